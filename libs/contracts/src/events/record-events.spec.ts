import { EVENT_EXAMPLES } from '../event-examples';
import type { z } from 'zod';
import { recordDeletedV1, recordStoredV1 } from './record-events';

const stored = EVENT_EXAMPLES['record.stored.v1'];

const deleted = EVENT_EXAMPLES['record.deleted.v1'];

function pathsOf(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('record.stored.v1', () => {
  it('accepts a realistic stored record', () => {
    expect(recordStoredV1.parse(stored)).toEqual(stored);
  });

  it('refuses sensitive fields: sourceData, metadata and provenance are unknown here', () => {
    for (const field of ['sourceData', 'metadata', 'provenance', 'scores']) {
      const result = recordStoredV1.safeParse({ ...stored, [field]: {} });
      expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: [field], path: [] })]);
    }
  });

  it('names the field of a missing tenantId, a bad timestamp and an out-of-range confidence', () => {
    const { tenantId: _tenantId, ...withoutTenant } = stored;
    expect(pathsOf(recordStoredV1, withoutTenant)).toEqual([['tenantId']]);
    expect(pathsOf(recordStoredV1, { ...stored, storedAt: '2025-06-01 10:00' })).toEqual([['storedAt']]);
    expect(pathsOf(recordStoredV1, { ...stored, confidence: 2 })).toEqual([['confidence']]);
    expect(pathsOf(recordStoredV1, { ...stored, detector: { name: 'presidio', type: 'pii' } })).toEqual([['detector', 'version']]);
  });
});

describe('record.deleted.v1', () => {
  it('accepts every deletion reason', () => {
    for (const reason of ['request', 'retention', 'tenant_erasure'] as const) {
      expect(recordDeletedV1.parse({ ...deleted, reason })).toEqual({ ...deleted, reason });
    }
  });

  it('rejects an unknown reason, a missing recordId and unknown fields', () => {
    expect(pathsOf(recordDeletedV1, { ...deleted, reason: 'gdpr' })).toEqual([['reason']]);
    const { recordId: _recordId, ...withoutRecord } = deleted;
    expect(pathsOf(recordDeletedV1, withoutRecord)).toEqual([['recordId']]);
    expect(pathsOf(recordDeletedV1, { ...deleted, deletedBy: 'admin' })).toEqual([[]]);
  });
});
