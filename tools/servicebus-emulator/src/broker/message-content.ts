import { randomUUID } from 'node:crypto';
import { amqp, amqpMessage, encodeMapSection, Section, typedMapEntries, TypedValue } from '../amqp/amqp-encoding';

/** The AMQP properties section fields that filters and the broker look at. */
export interface MessageProperties {
  message_id?: unknown;
  to?: string;
  subject?: string;
  reply_to?: string;
  correlation_id?: unknown;
  content_type?: string;
  group_id?: string;
  reply_to_group_id?: string;
}

export interface MessageHeader {
  durable?: boolean;
  priority?: number;
  ttl?: number;
}

/**
 * A message as the client sent it. Properties, application properties and body are kept as the
 * exact bytes received, because decoding and re-encoding would change AMQP types the SDK relies
 * on; only header and message annotations are rewritten on delivery.
 */
export class MessageContent {
  private constructor(
    readonly header: MessageHeader,
    readonly annotations: ReadonlyMap<string, TypedValue>,
    readonly properties: MessageProperties,
    readonly applicationProperties: Readonly<Record<string, unknown>>,
    private readonly rawProperties: Buffer,
    private readonly rawApplicationProperties: Buffer,
    private readonly rawBody: Buffer,
    readonly sizeInBytes: number,
  ) {}

  static parse(bytes: Buffer): MessageContent {
    const reader = new amqp.Reader(bytes);
    let header: MessageHeader = {};
    let annotations = new Map<string, TypedValue>();
    let properties: MessageProperties = {};
    let applicationProperties: Record<string, unknown> = {};
    let rawProperties: Buffer = Buffer.alloc(0);
    let rawApplicationProperties: Buffer = Buffer.alloc(0);
    const bodyParts: Buffer[] = [];
    while (reader.remaining()) {
      const start = reader.position;
      const section = reader.read();
      const raw = bytes.subarray(start, reader.position);
      switch (Number(section.descriptor?.value)) {
        case Section.header: {
          const decoded = amqpMessage.decode(raw);
          header = { durable: decoded.durable as boolean, priority: decoded.priority as number, ttl: decoded.ttl as number };
          break;
        }
        case Section.deliveryAnnotations:
          break;
        case Section.messageAnnotations:
          annotations = new Map(typedMapEntries(section));
          break;
        case Section.properties:
          properties = amqpMessage.decode(raw) as MessageProperties;
          rawProperties = raw;
          break;
        case Section.applicationProperties:
          applicationProperties = amqp.unwrap_map_simple(section);
          rawApplicationProperties = raw;
          break;
        default:
          bodyParts.push(raw);
      }
    }
    return new MessageContent(
      header,
      annotations,
      properties,
      applicationProperties,
      rawProperties,
      rawApplicationProperties,
      Buffer.concat(bodyParts),
      bytes.length,
    );
  }

  /** Splits a batch transfer (format 0x80013700): a list of data sections, each a complete message. */
  static parseBatch(bytes: Buffer): MessageContent[] {
    const reader = new amqp.Reader(bytes);
    const messages: MessageContent[] = [];
    while (reader.remaining()) {
      const section = reader.read();
      if (Number(section.descriptor?.value) === Section.data) {
        messages.push(MessageContent.parse(section.value as Buffer));
      }
    }
    return messages;
  }

  /** Service Bus gives every message an id; the SDK's lock renewal depends on it. */
  withMessageIdAssigned(): MessageContent {
    const id = this.properties.message_id;
    if (id !== undefined && id !== null) return this;
    const properties = { ...this.properties, message_id: randomUUID() };
    const writer = new amqp.Writer();
    writer.write(amqpMessage.properties(properties).described());
    const raw = writer.toBuffer();
    return new MessageContent(
      this.header,
      this.annotations,
      properties,
      this.applicationProperties,
      raw,
      this.rawApplicationProperties,
      this.rawBody,
      this.sizeInBytes - this.rawProperties.length + raw.length,
    );
  }

  /** A copy whose application properties are overwritten by `changes` (abandon/defer/dead-letter). */
  withApplicationProperties(changes: Record<string, unknown>): MessageContent {
    const entries = new Map<string, TypedValue>();
    if (this.rawApplicationProperties.length > 0) {
      const section = new amqp.Reader(this.rawApplicationProperties).read();
      for (const [key, value] of typedMapEntries(section)) entries.set(key, value);
    }
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) entries.set(key, amqp.wrap(value));
    }
    const writer = new amqp.Writer();
    writer.write(encodeMapSection(Section.applicationProperties, entries, false));
    const raw = writer.toBuffer();
    const applicationProperties = { ...this.applicationProperties };
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) applicationProperties[key] = value;
    }
    return new MessageContent(
      this.header,
      this.annotations,
      this.properties,
      applicationProperties,
      this.rawProperties,
      raw,
      this.rawBody,
      this.sizeInBytes - this.rawApplicationProperties.length + raw.length,
    );
  }

  /** The message as kept in a journal: what the client sent, which `parse` reads back unchanged. */
  toStoredBytes(): Buffer {
    return this.encode(0, new Map());
  }

  /** The message bytes to transfer, with a fresh header and broker annotations. */
  encode(deliveryCount: number, brokerAnnotations: ReadonlyMap<string, TypedValue>): Buffer {
    const writer = new amqp.Writer();
    writer.write(amqpMessage.header({ ...this.header, delivery_count: deliveryCount }).described());
    const annotations = new Map(this.annotations);
    for (const [key, value] of brokerAnnotations) annotations.set(key, value);
    writer.write(encodeMapSection(Section.messageAnnotations, annotations, true));
    return Buffer.concat([writer.toBuffer(), this.rawProperties, this.rawApplicationProperties, this.rawBody]);
  }
}
