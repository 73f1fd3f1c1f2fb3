import { hostileString, hostileValue, PROPERTY_SEED } from '@comply/testing';
import fc from 'fast-check';
import type { AuditLogRow } from '../database/schema';
import { canonicalBytes } from '../ledger/canonical-json';
import { canonicalBytesOfRow, canonicalEntryOfRow } from './stored-entry';

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), hostileString);
const optionalText = fc.option(text, { nil: null });
const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

const row: fc.Arbitrary<AuditLogRow> = fc.record({
  logId: text,
  sequence: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  tenantId: optionalText,
  occurredAt: instant,
  recordedAt: instant,
  eventId: text,
  actorType: text,
  actorId: text,
  action: text,
  resourceType: text,
  resourceId: optionalText,
  outcome: text,
  correlationId: text,
  service: text,
  host: optionalText,
  sourceIp: optionalText,
  userAgent: optionalText,
  details: fc.option(fc.dictionary(text, hostileValue, { maxKeys: 4 }), { nil: null }),
  canonical: fc.constant(Buffer.alloc(0)),
  leafHash: fc.constant(Buffer.alloc(32)),
  prevHash: fc.constant(Buffer.alloc(32)),
  hash: fc.constant(Buffer.alloc(32)),
});

/** The general canonicalizer's answer, or undefined where it refuses (text that is not I-JSON). */
function general(value: AuditLogRow): Buffer | undefined {
  try {
    return canonicalBytes(canonicalEntryOfRow(value));
  } catch {
    return undefined;
  }
}

describe('canonicalBytesOfRow', () => {
  it('writes the same bytes as the general RFC 8785 canonicalizer for every row it accepts', () => {
    fc.assert(
      fc.property(row, (value) => {
        const expected = general(value);
        fc.pre(expected !== undefined);
        expect(canonicalBytesOfRow(value).equals(expected!)).toBe(true);
      }),
      { seed: PROPERTY_SEED, numRuns: 2_000 },
    );
  });

  // Stored canonical bytes always come from the general canonicalizer, so they are I-JSON: a row
  // it refuses can never match them, whatever the fast path writes.
  it('never writes I-JSON for a row the general canonicalizer refuses', () => {
    fc.assert(
      fc.property(row, (value) => {
        fc.pre(general(value) === undefined);
        let written: Buffer | undefined;
        try {
          written = canonicalBytesOfRow(value);
        } catch {
          return;
        }
        expect(() => canonicalBytes(JSON.parse(written!.toString('utf8')))).toThrow();
      }),
      { seed: PROPERTY_SEED, numRuns: 500 },
    );
  });
});
