import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditLog } from '../database/schema';

/** The entries of a log recorded in a period, as a sequence range. */
export interface SequenceRange {
  first: number;
  last: number;
}

@Injectable()
export class AuditExportRepository {
  /**
   * The first and last sequence recorded in [from, to), or undefined when none was. recordedAt
   * never decreases along a log's sequence (the append takes it under the head lock), so every
   * entry between the two was recorded in the period too. The bound on recorded_at, the partition
   * key, keeps the scan to the period's partitions.
   */
  async recordedIn(tx: AuditTransaction, logId: string, from: Date, to: Date): Promise<SequenceRange | undefined> {
    const result = await tx.execute<{ first: string | null; last: string | null }>(sql`
      select min(sequence) as first, max(sequence) as last from ${auditLog}
      where log_id = ${logId} and recorded_at >= ${from.toISOString()} and recorded_at < ${to.toISOString()}`);
    const row = result.rows[0];
    if (!row?.first || !row.last) return undefined;
    return { first: Number(row.first), last: Number(row.last) };
  }
}
