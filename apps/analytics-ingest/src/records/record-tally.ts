import { taxonomyPaths, type RecordDeletedV1, type RecordStoredV1 } from '@comply/contracts';
import type { RecordDimension } from '../database/schema';
import { bucketOf, CONFIDENCE_BUCKETS, emptyHistogram, LATENCY_MS_BUCKETS } from '../rollups/histogram-buckets';
import { KeyedTally } from '../rollups/keyed-tally';
import { dayOf, hourOf } from '../rollups/time-buckets';

export interface RecordCounts {
  stored: number;
  deleted: number;
  confidence: number[];
  latency: number[];
}

export interface RecordRow extends RecordCounts {
  bucket: string;
}

export interface DimensionRow {
  bucket: string;
  dimension: RecordDimension;
  key: string;
  stored: number;
}

/** One tenant's part of a batch, hourly and daily, ready to upsert. */
export interface RecordTally {
  records: { hourly: RecordRow[]; daily: RecordRow[] };
  dimensions: { hourly: DimensionRow[]; daily: DimensionRow[] };
}

const emptyCounts = (): RecordCounts => ({ stored: 0, deleted: 0, confidence: emptyHistogram(CONFIDENCE_BUCKETS), latency: emptyHistogram(LATENCY_MS_BUCKETS) });

/**
 * What record.stored.v1 events count, in the hour and day of their own `storedAt`: a record, its
 * confidence and latency buckets, its detector (by name), model version and every taxonomy label
 * with its ancestors (once per record, however many of its labels share an ancestor).
 */
export function tallyStored(events: readonly RecordStoredV1[]): RecordTally {
  const records = { hourly: new KeyedTally(emptyCounts), daily: new KeyedTally(emptyCounts) };
  const dimensions = { hourly: new KeyedTally(() => ({ stored: 0 })), daily: new KeyedTally(() => ({ stored: 0 })) };
  for (const event of events) {
    const keys: [RecordDimension, string][] = [
      ['detector', event.detector.name],
      ['model', event.modelVersion],
      ...taxonomyPaths(event.taxonomy).map((label): [RecordDimension, string] => ['label', label]),
    ];
    for (const [granularity, bucket] of [['hourly', hourOf(event.storedAt)], ['daily', dayOf(event.storedAt)]] as const) {
      const counts = records[granularity].at([bucket]);
      counts.stored += 1;
      counts.confidence[bucketOf(CONFIDENCE_BUCKETS, event.confidence)] += 1;
      if (event.latencyMs !== undefined) counts.latency[bucketOf(LATENCY_MS_BUCKETS, event.latencyMs)] += 1;
      for (const [dimension, key] of keys) dimensions[granularity].at([bucket, dimension, key]).stored += 1;
    }
  }
  return finish(records, dimensions);
}

/** What record.deleted.v1 events count: a deletion in the hour and day of their own `deletedAt` (README: "Deletions"). */
export function tallyDeleted(events: readonly RecordDeletedV1[]): RecordTally {
  const records = { hourly: new KeyedTally(emptyCounts), daily: new KeyedTally(emptyCounts) };
  for (const event of events) {
    records.hourly.at([hourOf(event.deletedAt)]).deleted += 1;
    records.daily.at([dayOf(event.deletedAt)]).deleted += 1;
  }
  return finish(records, { hourly: new KeyedTally(() => ({ stored: 0 })), daily: new KeyedTally(() => ({ stored: 0 })) });
}

function finish(
  records: Record<'hourly' | 'daily', KeyedTally<RecordCounts>>,
  dimensions: Record<'hourly' | 'daily', KeyedTally<{ stored: number }>>,
): RecordTally {
  const recordRows = (tally: KeyedTally<RecordCounts>) => tally.entries().map(([[bucket], counts]) => ({ bucket, ...counts }));
  const dimensionRows = (tally: KeyedTally<{ stored: number }>) =>
    tally.entries().map(([[bucket, dimension, key], { stored }]) => ({ bucket, dimension: dimension as RecordDimension, key, stored }));
  return {
    records: { hourly: recordRows(records.hourly), daily: recordRows(records.daily) },
    dimensions: { hourly: dimensionRows(dimensions.hourly), daily: dimensionRows(dimensions.daily) },
  };
}
