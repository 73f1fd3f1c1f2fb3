import { z } from 'zod';
import { queryNumber } from '../query-number';

/**
 * Field schemas billing's tenant and operator APIs share, so that a plan code, an amount or a
 * period means the same thing on every route. Each use adds its own `.describe()` where the
 * meaning differs.
 */

export const planCode = z
  .string()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .describe('Plan code, e.g. "free", "starter", "pro": lower-case letters, digits, _ and -, at most 64 characters.');

export const currency = z
  .string()
  .regex(/^[a-z]{3}$/)
  .describe('ISO 4217 currency code in lower case, as Stripe writes it, e.g. "usd".');

/** Money in minor units of its currency (cents for "usd"), as PostgreSQL's bigint and JSON numbers both hold it exactly. */
export function amountMinor() {
  return z.int().min(0);
}

/** A UTC calendar month; year 0000 is not a date PostgreSQL (or ISO 8601 without expansion) accepts. */
export const billingPeriod = z
  .string()
  .regex(/^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$/)
  .describe('Calendar month in UTC, "YYYY-MM" (years 0001 to 9999, months 01 to 12).');

/** Codes are case-insensitive: what a customer types is compared in upper case. */
export const promotionalCode = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/)
  .toUpperCase()
  .describe('Promotional code, e.g. "WELCOME20": letters, digits, _ and -, at most 64 characters; compared in upper case.');

export const satisfactionScore = z.int().min(1).max(5).describe('How satisfied the tenant was, 1 (not at all) to 5 (very).');

/** Stripe ids as stored: the prefix of their kind and Stripe's id alphabet. */
export function stripeObjectId(prefix: string, kind: string) {
  return z
    .string()
    .max(255)
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`))
    .describe(`Stripe ${kind} id, e.g. "${prefix}_NffrFeUfNV2Hib".`);
}

/** `limit` and `cursor` of a listing that pages newest first. */
export const pageQuery = {
  limit: queryNumber(z.int().min(1).max(100)).default(20).describe('Page size, 1 to 100.'),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .describe('`nextCursor` of the previous page.'),
};

export const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');
