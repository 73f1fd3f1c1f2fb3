import type { StripeEventPosition } from './stripe-events.repository';

/** How PostgreSQL writes a timestamptz as text, e.g. "2026-05-01 12:00:00.123456+00". */
const POSTGRES_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** `nextCursor` of the operator listing: base64url JSON of the last event's position (received_at as PostgreSQL's exact text, and id). */
export function encodeStripeEventCursor(position: StripeEventPosition): string {
  return Buffer.from(JSON.stringify({ r: position.receivedAt, i: position.id }), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeStripeEventCursor(cursor: string): StripeEventPosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null) return undefined;
  const { r, i } = decoded as { r?: unknown; i?: unknown };
  if (typeof r !== 'string' || typeof i !== 'string' || !POSTGRES_TIMESTAMPTZ.test(r)) return undefined;
  return { receivedAt: r, id: i };
}
