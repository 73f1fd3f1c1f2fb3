import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { APPLICATION_PROPERTIES, EventEnvelope, EventType } from '@comply/contracts';

/** A received message whose body passed its contract, with the envelope around it. */
export interface IncomingEvent<T extends EventType = EventType> extends EventEnvelope<T> {
  /** Earlier failed deliveries of this message (0 on the first). */
  deliveryCount: number;
}

function stringProperty(message: ServiceBusReceivedMessage, name: string): string | undefined {
  const value = message.applicationProperties?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function envelopeOf(message: ServiceBusReceivedMessage): Omit<IncomingEvent, 'type' | 'payload'> {
  const messageId = String(message.messageId ?? '');
  return {
    messageId,
    correlationId: message.correlationId ? String(message.correlationId) : messageId,
    causationId: stringProperty(message, APPLICATION_PROPERTIES.causationId),
    tenantId: stringProperty(message, APPLICATION_PROPERTIES.tenantId),
    traceparent: stringProperty(message, APPLICATION_PROPERTIES.traceparent),
    deliveryCount: message.deliveryCount ?? 0,
  };
}

/**
 * The SDK hands over JSON that it encoded itself as an object; producers in other languages send
 * JSON text in a data section, which arrives as a Buffer.
 */
export function decodeBody(body: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array || typeof body === 'string') {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, error: `body is not JSON: ${(error as Error).message}` };
    }
  }
  return { ok: true, value: body };
}
