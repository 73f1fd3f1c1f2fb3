import type { Connection, Message, Sender } from 'rhea';

/**
 * Request/response links ($cbs, $management) answer on the client's receiver link whose name or
 * target address equals the request's reply_to.
 */
export function sendReply(connection: Connection, request: Message, reply: Partial<Message>): void {
  const replyTo = request.reply_to;
  const link = connection.find_sender(
    (sender: Sender) => sender.name === replyTo || (sender.target as { address?: string } | undefined)?.address === replyTo,
  );
  if (!link) return;
  link.send({ body: null, ...reply, correlation_id: request.message_id, to: replyTo });
}
