import type { MessageProperties } from '../broker/message-content';

/** What rule filters can see of a message. */
export interface FilterableMessage {
  readonly properties: MessageProperties;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
}

/** Message ids and correlation ids may be strings, numbers, uuids (bytes) or binary; filters compare their text. */
export function idToString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return String(value);
}

/** The system properties that correlation and SQL filters address, keyed by their SQL name in lower case. */
export function systemProperty(message: FilterableMessage, name: string): unknown {
  const p = message.properties;
  switch (name) {
    case 'messageid':
      return idToString(p.message_id);
    case 'correlationid':
      return idToString(p.correlation_id);
    case 'to':
      return p.to;
    case 'replyto':
      return p.reply_to;
    case 'label':
    case 'subject':
      return p.subject;
    case 'sessionid':
      return p.group_id;
    case 'replytosessionid':
      return p.reply_to_group_id;
    case 'contenttype':
      return p.content_type;
    default:
      return undefined;
  }
}
