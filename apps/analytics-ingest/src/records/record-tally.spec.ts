import { EVENT_EXAMPLES, type RecordStoredV1 } from '@comply/contracts';
import { bucketOf, CONFIDENCE_BUCKETS, LATENCY_MS_BUCKETS } from '../rollups/histogram-buckets';
import { tallyDeleted, tallyStored } from './record-tally';

const stored = (overrides: Partial<RecordStoredV1>): RecordStoredV1 => ({ ...EVENT_EXAMPLES['record.stored.v1'], ...overrides });

describe('tallying record events', () => {
  it('counts a label and each of its ancestors once per record, in the hour and day of storedAt', () => {
    const tally = tallyStored([
      stored({ taxonomy: ['PII.Identifier.SSN', 'PII.Contact.Email'], storedAt: '2026-03-01T10:59:59.999+00:00' }),
      stored({ taxonomy: ['PII.Identifier.SSN'], storedAt: '2026-03-01T11:00:00Z' }),
    ]);
    const labels = (rows: typeof tally.dimensions.daily) => rows.filter((row) => row.dimension === 'label').map(({ bucket, key, stored: n }) => [bucket, key, n]);
    expect(labels(tally.dimensions.daily)).toEqual([
      ['2026-03-01T00:00:00.000Z', 'PII', 2],
      ['2026-03-01T00:00:00.000Z', 'PII.Contact', 1],
      ['2026-03-01T00:00:00.000Z', 'PII.Contact.Email', 1],
      ['2026-03-01T00:00:00.000Z', 'PII.Identifier', 2],
      ['2026-03-01T00:00:00.000Z', 'PII.Identifier.SSN', 2],
    ]);
    expect(tally.records.hourly.map(({ bucket, stored: n }) => [bucket, n])).toEqual([
      ['2026-03-01T10:00:00.000Z', 1],
      ['2026-03-01T11:00:00.000Z', 1],
    ]);
  });

  it('buckets an offset time by its UTC instant', () => {
    const tally = tallyStored([stored({ storedAt: '2026-03-01T23:30:00-05:00' })]);
    expect(tally.records.daily.map((row) => row.bucket)).toEqual(['2026-03-02T00:00:00.000Z']);
  });

  it('counts confidence always and latency when the event carries it', () => {
    const tally = tallyStored([stored({ confidence: 0.97, latencyMs: 12 }), stored({ confidence: 0.5, latencyMs: undefined })]);
    const [row] = tally.records.daily;
    expect(row.confidence[bucketOf(CONFIDENCE_BUCKETS, 0.97)]).toBe(1);
    expect(row.confidence[bucketOf(CONFIDENCE_BUCKETS, 0.5)]).toBe(1);
    expect(row.latency.reduce((a, b) => a + b, 0)).toBe(1);
    expect(row.latency[bucketOf(LATENCY_MS_BUCKETS, 12)]).toBe(1);
  });

  it('counts deletions in the hour and day of deletedAt, with nothing by dimension', () => {
    const tally = tallyDeleted([
      { ...EVENT_EXAMPLES['record.deleted.v1'], deletedAt: '2026-03-02T01:00:00Z' },
      { ...EVENT_EXAMPLES['record.deleted.v1'], deletedAt: '2026-03-02T01:30:00Z' },
    ]);
    expect(tally.records.hourly.map(({ bucket, deleted, stored: n }) => [bucket, deleted, n])).toEqual([['2026-03-02T01:00:00.000Z', 2, 0]]);
    expect(tally.dimensions.daily).toEqual([]);
  });
});
