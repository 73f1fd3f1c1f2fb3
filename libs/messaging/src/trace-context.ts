import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * W3C trace context: a new span in the caller's trace when `parent` is a valid traceparent,
 * otherwise the root span of a new trace.
 */
export function childTraceparent(parent?: string): string {
  const match = parent ? TRACEPARENT.exec(parent) : null;
  const traceId = match && !/^0+$/.test(match[1]) ? match[1] : randomHex(32);
  const flags = match ? match[3] : '01';
  return `00-${traceId}-${randomHex(16)}-${flags}`;
}

/**
 * Random hex digits from a random UUID, which Node draws from pooled entropy: ids are minted per
 * event, and a kernel call each would cost more than the rest of the event. Six of a UUID's bits
 * are fixed, which leaves a trace id 122 random bits and a span id 60.
 */
function randomHex(digits: 16 | 32): string {
  return randomUUID().replace(/-/g, '').slice(0, digits);
}

export function traceIdOf(traceparent: string): string | undefined {
  return TRACEPARENT.exec(traceparent)?.[1];
}
