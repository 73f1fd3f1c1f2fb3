import type { Connection, Message } from 'rhea';
import { sendReply } from './reply-sender';

/**
 * Claims-based security: the SDK puts a token before opening every link. The emulator does not
 * check credentials, so every put-token is accepted.
 */
export function handleCbsRequest(connection: Connection, request: Message): void {
  const operation = request.application_properties?.operation;
  const accepted = operation === 'put-token';
  sendReply(connection, request, {
    application_properties: {
      'status-code': accepted ? 202 : 400,
      'status-description': accepted ? 'Accepted' : `Unsupported operation ${String(operation)}`,
    },
  });
}
