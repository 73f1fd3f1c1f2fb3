import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditLogs } from '../database/schema';

/** A log's head as a checkpoint sees it, read in one snapshot. */
export interface CheckpointState {
  size: number;
  /** Null until the frontier of a log from before it was kept has been computed. */
  frontier: Buffer | null;
  checkpointSize: number;
  checkpointFrontier: Buffer;
  /** The database clock, to the millisecond: the checkpoint's time. */
  now: Date;
}

/**
 * The checkpoint columns of audit_logs. `logsToCheckpoint` looks across tenants (through the
 * definer function audit_log_heads); everything else runs in the log's own context.
 */
@Injectable()
export class CheckpointStateRepository {
  /** Every log with entries that its last checkpoint does not cover, by log id. */
  async logsToCheckpoint(tx: AuditTransaction): Promise<string[]> {
    const result = await tx.execute<{ log_id: string }>(sql`select log_id from audit_log_heads() where size > 0 and size <> checkpoint_size`);
    return result.rows.map((row) => row.log_id);
  }

  /** Every log with entries. */
  async logsWithEntries(tx: AuditTransaction): Promise<string[]> {
    const result = await tx.execute<{ log_id: string }>(sql`select log_id from audit_log_heads() where size > 0`);
    return result.rows.map((row) => row.log_id);
  }

  async state(tx: AuditTransaction, logId: string): Promise<CheckpointState | undefined> {
    const result = await tx.execute<{ size: string; frontier: Buffer | null; checkpoint_size: string; checkpoint_frontier: Buffer; now: string }>(sql`
      select size, frontier, checkpoint_size, checkpoint_frontier,
             to_char(date_trunc('milliseconds', clock_timestamp()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now
        from ${auditLogs} where log_id = ${logId}`);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      size: Number(row.size),
      frontier: row.frontier,
      checkpointSize: Number(row.checkpoint_size),
      checkpointFrontier: row.checkpoint_frontier,
      now: new Date(row.now),
    };
  }

  /** Records a stored checkpoint; never moves the mark back (a slower replica may finish later). */
  async recordCheckpoint(tx: AuditTransaction, logId: string, size: number, frontier: Buffer): Promise<void> {
    await tx.execute(sql`update ${auditLogs} set checkpoint_size = ${size}, checkpoint_frontier = ${frontier}
      where log_id = ${logId} and checkpoint_size < ${size}`);
  }
}
