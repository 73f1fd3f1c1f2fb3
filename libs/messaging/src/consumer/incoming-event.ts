import type { EventEnvelope, EventType } from '@comply/contracts';

/** A received message whose body passed its contract, with the envelope around it. */
export interface IncomingEvent<T extends EventType = EventType> extends EventEnvelope<T> {
  /** Earlier failed deliveries of this message (0 on the first). */
  deliveryCount: number;
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
      // V8's message quotes the start of the text, which is the producer's content: keep only where it broke.
      const position = /at position (\d+)/.exec((error as Error).message)?.[1];
      return { ok: false, error: `body is not JSON${position ? ` (at position ${position})` : ''}` };
    }
  }
  return { ok: true, value: body };
}
