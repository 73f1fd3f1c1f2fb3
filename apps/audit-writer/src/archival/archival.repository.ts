import { Injectable } from '@nestjs/common';
import { and, asc, eq, sql } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditArchiveLogs, AuditArchiveLogRow, auditArchives, AuditArchiveRow } from '../database/schema';

/** A monthly partition of audit_log and its range [start, end). */
export interface LogPartition {
  partition: string;
  rangeStart: Date;
  rangeEnd: Date;
}

/** What one partition holds of one log, as the database reports it. */
export interface PartitionLog {
  logId: string;
  firstSequence: number;
  lastSequence: number;
  entries: number;
  firstPrevHash: Buffer;
  lastHash: Buffer;
}

export type NewArchive = Pick<AuditArchiveRow, 'partition' | 'rangeStart' | 'rangeEnd' | 'manifestBlob' | 'manifestSha256' | 'entries'>;

/** backup-worker's answer to a hand-off request. */
export type HandoffAnswer = Pick<AuditArchiveRow, 'handoffStatus' | 'handoffRows' | 'handoffBlob' | 'handoffChecksum' | 'handoffError'>;

/**
 * Partitions, archive records and the one way to drop a partition. Listing partitions and their
 * logs goes through owner-defined functions (audit_app sees one log at a time and has no rights on
 * partitions); a log's archive records are read and written in its own tenant context.
 */
@Injectable()
export class ArchivalRepository {
  /**
   * Takes the archival lock for the rest of the transaction, or answers false when another
   * session holds it: two replicas never archive at once.
   */
  async tryLock(tx: AuditTransaction): Promise<boolean> {
    const result = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('audit-writer:archival')) as locked`);
    return result.rows[0]?.locked === true;
  }

  async partitions(tx: AuditTransaction): Promise<LogPartition[]> {
    const result = await tx.execute<{ partition: string; range_start: string; range_end: string }>(sql`select partition, range_start, range_end from audit_log_partitions()`);
    return result.rows.map((row) => ({ partition: row.partition, rangeStart: new Date(row.range_start), rangeEnd: new Date(row.range_end) }));
  }

  async partitionLogs(tx: AuditTransaction, partition: string): Promise<PartitionLog[]> {
    const result = await tx.execute<{ log_id: string; first_sequence: string; last_sequence: string; entries: string; first_prev_hash: Buffer; last_hash: Buffer }>(
      sql`select * from audit_partition_logs(${partition})`,
    );
    return result.rows.map((row) => ({
      logId: row.log_id,
      firstSequence: Number(row.first_sequence),
      lastSequence: Number(row.last_sequence),
      entries: Number(row.entries),
      firstPrevHash: row.first_prev_hash,
      lastHash: row.last_hash,
    }));
  }

  async archive(tx: AuditTransaction, partition: string): Promise<AuditArchiveRow | undefined> {
    const [row] = await tx.select().from(auditArchives).where(eq(auditArchives.partition, partition));
    return row;
  }

  /** Records the archive unless it is recorded; answers the stored row either way. */
  async recordArchive(tx: AuditTransaction, archive: NewArchive): Promise<AuditArchiveRow> {
    await tx.insert(auditArchives).values(archive).onConflictDoNothing();
    return (await this.archive(tx, archive.partition)) as AuditArchiveRow;
  }

  async markVerified(tx: AuditTransaction, partition: string): Promise<void> {
    await tx.update(auditArchives).set({ verifiedAt: sql`now()` }).where(eq(auditArchives.partition, partition));
  }

  /** Records a new hand-off request for the partition; an answer to an earlier one no longer counts. */
  async requestHandoff(tx: AuditTransaction, partition: string, requestId: string): Promise<void> {
    await tx
      .update(auditArchives)
      .set({ handoffRequestId: requestId, handoffRequestedAt: sql`now()`, handoffStatus: 'requested', handoffRows: null, handoffBlob: null, handoffChecksum: null, handoffError: null, handoffAnsweredAt: null })
      .where(eq(auditArchives.partition, partition));
  }

  /** Records backup-worker's answer to the partition's current request; false when it answers another (an older) one. */
  async answerHandoff(tx: AuditTransaction, partition: string, requestId: string, answer: HandoffAnswer): Promise<boolean> {
    const rows = await tx
      .update(auditArchives)
      .set({ ...answer, handoffAnsweredAt: sql`now()` })
      .where(and(eq(auditArchives.partition, partition), eq(auditArchives.handoffRequestId, requestId)))
      .returning({ partition: auditArchives.partition });
    return rows.length > 0;
  }

  /** In the log's tenant context. Records it unless recorded; answers the stored row either way. */
  async recordArchiveLog(tx: AuditTransaction, record: AuditArchiveLogRow): Promise<AuditArchiveLogRow> {
    await tx.insert(auditArchiveLogs).values(record).onConflictDoNothing();
    return (await this.archiveLog(tx, record.partition, record.logId)) as AuditArchiveLogRow;
  }

  /** In the log's tenant context. */
  async archiveLog(tx: AuditTransaction, partition: string, logId: string): Promise<AuditArchiveLogRow | undefined> {
    const [row] = await tx
      .select()
      .from(auditArchiveLogs)
      .where(and(eq(auditArchiveLogs.partition, partition), eq(auditArchiveLogs.logId, logId)));
    return row;
  }

  /** In the log's tenant context: its archived partitions, oldest first, with each partition's state. */
  async archivesOfLog(tx: AuditTransaction, logId: string): Promise<Array<{ archive: AuditArchiveRow; log: AuditArchiveLogRow }>> {
    return tx
      .select({ archive: auditArchives, log: auditArchiveLogs })
      .from(auditArchiveLogs)
      .innerJoin(auditArchives, eq(auditArchives.partition, auditArchiveLogs.partition))
      .where(eq(auditArchiveLogs.logId, logId))
      .orderBy(asc(auditArchiveLogs.firstSequence));
  }

  /** Copies the partition's leaf hashes aside, detaches and drops it; the database checks the archive record first. */
  async dropPartition(tx: AuditTransaction, partition: string, cutoff: Date): Promise<number> {
    const result = await tx.execute<{ copied: string }>(sql`select audit_archive_drop_partition(${partition}, ${cutoff.toISOString()}::timestamptz) as copied`);
    return Number(result.rows[0]?.copied ?? 0);
  }
}
