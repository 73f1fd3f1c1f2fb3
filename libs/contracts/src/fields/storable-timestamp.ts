import { z } from 'zod';

/**
 * The instants every part of the platform can hold: JavaScript dates reach ±275,760 years and
 * PostgreSQL's timestamptz 4713 BC to 294,276 AD, but ISO 8601 without an expanded year stops at
 * 9999, and year 0000 is not a date PostgreSQL accepts.
 */
export const EARLIEST_TIMESTAMP = '0001-01-01T00:00:00.000Z';
export const LATEST_TIMESTAMP = '9999-12-31T23:59:59.999Z';

const earliest = Date.parse(EARLIEST_TIMESTAMP);
const latest = Date.parse(LATEST_TIMESTAMP);

export function isStorableInstant(value: string): boolean {
  const instant = Date.parse(value);
  return instant >= earliest && instant <= latest;
}

/**
 * ISO 8601 with an explicit offset (no consumer guesses a time zone), within the storable range.
 * The range is published as `formatMinimum`/`formatMaximum`, which ajv-formats enforces.
 */
export function storableTimestamp() {
  return z.iso
    .datetime({ offset: true, abort: true })
    .refine(isStorableInstant, `Must be between ${EARLIEST_TIMESTAMP} and ${LATEST_TIMESTAMP}`)
    .meta({ formatMinimum: EARLIEST_TIMESTAMP, formatMaximum: LATEST_TIMESTAMP });
}
