import { createHash } from 'node:crypto';

/** Stripe's limit on a meter event's `identifier`. */
const MAX_IDENTIFIER_LENGTH = 100;

/**
 * The identifier Stripe receives for a report: the report's own (`tenant:period:slice`), or, when
 * a long tenant id makes it longer than Stripe accepts, its SHA-256 in hex, which is just as stable
 * across retries.
 */
export function stripeIdentifierOf(identifier: string): string {
  return identifier.length <= MAX_IDENTIFIER_LENGTH ? identifier : createHash('sha256').update(identifier).digest('hex');
}
