import type { BackupCompletedV1, BackupFailedV1 } from '@comply/contracts';
import { KeyedTally } from '../rollups/keyed-tally';
import { dayOf } from '../rollups/time-buckets';

export type BackupEvent = { type: 'completed'; payload: BackupCompletedV1 } | { type: 'failed'; payload: BackupFailedV1 };

export interface BackupRow {
  bucket: string;
  database: string;
  completed: number;
  failed: number;
  lastCompletedAt: string | null;
  lastFailedAt: string | null;
}

const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? new Date(b).toISOString() : a);

/** Backups completed and failed per UTC day (of completedAt or failedAt) and database, with the latest instant of each. */
export function tallyBackups(events: readonly BackupEvent[]): BackupRow[] {
  const tally = new KeyedTally(() => ({ completed: 0, failed: 0, lastCompletedAt: null as string | null, lastFailedAt: null as string | null }));
  for (const event of events) {
    if (event.type === 'completed') {
      const row = tally.at([dayOf(event.payload.completedAt), event.payload.database]);
      row.completed += 1;
      row.lastCompletedAt = later(row.lastCompletedAt, event.payload.completedAt);
    } else {
      const row = tally.at([dayOf(event.payload.failedAt), event.payload.database]);
      row.failed += 1;
      row.lastFailedAt = later(row.lastFailedAt, event.payload.failedAt);
    }
  }
  return tally.entries().map(([[bucket, database], row]) => ({ bucket, database, ...row }));
}
