import { z } from 'zod';
import { storableText } from '../fields/storable-text';
import { storableTimestamp } from '../fields/storable-timestamp';

export { freeFormObject } from '../fields/free-form-object';

/**
 * Field schemas several events share, so that a tenant id, a timestamp or a taxonomy label means
 * the same thing on every topic. Each use adds its own `.describe()` where the meaning differs.
 */

/** Text that must say something, bounded so that one message cannot carry an unbounded string, and storable. */
export function boundedText(maxLength: number) {
  return storableText().min(1).max(maxLength);
}

/** A count or limit kept in a PostgreSQL `integer` column: 0 to 2^31 - 1. */
export function nonNegativeInt32() {
  return z.int().min(0).max(2_147_483_647);
}

// The pattern alone rules out the empty string; a separate min(1) would report it twice.
export const tenantId = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/)
  .describe('Tenant identifier, e.g. "tenant-123": letters, digits and _ . : -, starting with a letter or digit, at most 128 characters.');

export const requestId = boundedText(200).describe(
  "The producer's idempotency key for the mapping request: a resend with the same tenantId and requestId is the same event.",
);

/** ISO 8601 with an explicit offset, so that no consumer has to guess a time zone; years 0001 to 9999. */
export const timestamp = storableTimestamp();

/** A probability-like number: scores and confidence. */
export const unitInterval = z.number().min(0).max(1);

export const taxonomyLabel = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$/)
  .describe('Canonical compliance taxonomy label: dot-separated segments of letters and digits, at least two, e.g. "PII.Identifier.SSN".');

/** The labels one finding maps to; a label listed twice is a producer bug, not a stronger signal. */
export const taxonomyLabels = z
  .array(taxonomyLabel)
  .min(1)
  .max(50)
  .superRefine((labels, ctx) => {
    labels.forEach((label, index) => {
      if (labels.indexOf(label) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `Duplicate taxonomy label "${label}"` });
    });
  })
  .meta({ uniqueItems: true });

export const detector = z
  .strictObject({
    name: boundedText(100).describe('Detector name, e.g. "presidio".'),
    type: boundedText(100).describe('Kind of detector, e.g. "pii", "secrets", "toxicity".'),
    version: boundedText(100).describe('Detector version, e.g. "2.2.355".'),
  })
  .describe('The detector whose output was mapped.');
