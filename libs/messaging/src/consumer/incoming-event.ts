import type { EventEnvelope, EventType } from '@comply/contracts';

/** A received message whose body passed its contract, with the envelope around it. */
export interface IncomingEvent<T extends EventType = EventType> extends EventEnvelope<T> {
  /** Earlier failed deliveries of this message (0 on the first). */
  deliveryCount: number;
}

/** Refuses what is not UTF-8 rather than storing U+FFFD in its place, as Buffer#toString would. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Receivers skip the SDK's own JSON parsing, so a data section (how the SDK and most producers send
 * JSON) arrives as bytes; an AMQP value section arrives as the value it holds.
 */
export function decodeBody(body: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (Buffer.isBuffer(body) || body instanceof Uint8Array || typeof body === 'string') {
    let text: string;
    try {
      text = typeof body === 'string' ? body : UTF8.decode(body);
    } catch {
      return { ok: false, error: 'body is not valid UTF-8' };
    }
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
