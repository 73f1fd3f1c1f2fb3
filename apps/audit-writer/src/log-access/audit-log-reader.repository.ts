import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, gte, lt, lte, sql, SQL } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditArchivedLeaves, auditLog, AuditLogRow, auditLogs } from '../database/schema';

/** Filters of an entry listing; each absent one matches everything. */
export interface EntryFilters {
  from?: Date;
  to?: Date;
  actorType?: string;
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  correlationId?: string;
  outcome?: string;
}

export type LeafRow = Pick<AuditLogRow, 'sequence' | 'leafHash'>;

/**
 * Reads one log, in a transaction whose tenant context is that log (the caller's withTenant with
 * the log id), so row-level security decides what is visible. Everything is read in sequence order
 * off audit_log_log_sequence_idx, in pages that start after a sequence number.
 */
@Injectable()
export class AuditLogReaderRepository {
  /** The log's size, or undefined when nothing has been appended to it. */
  async size(tx: AuditTransaction, logId: string): Promise<number | undefined> {
    const [head] = await tx.select({ size: auditLogs.size }).from(auditLogs).where(eq(auditLogs.logId, logId));
    return head?.size;
  }

  /**
   * The head's size and the highest stored sequence, read in one snapshot: equal for an untouched
   * log (an append moves both in one transaction), 0 for a log nothing was appended to.
   */
  async extent(tx: AuditTransaction, logId: string): Promise<{ size: number; lastSequence: number }> {
    const result = await tx.execute<{ size: string | null; last_sequence: string | null }>(sql`
      select (select size from ${auditLogs} where log_id = ${logId}) as size,
             (select max(sequence) from ${auditLog} where log_id = ${logId}) as last_sequence`);
    const row = result.rows[0];
    return { size: Number(row?.size ?? 0), lastSequence: Number(row?.last_sequence ?? 0) };
  }

  /** Up to `limit` entries after `afterSequence` that pass `filters`. */
  async entries(tx: AuditTransaction, logId: string, filters: EntryFilters, afterSequence: number, limit: number): Promise<AuditLogRow[]> {
    const conditions: Array<SQL | undefined> = [
      eq(auditLog.logId, logId),
      gt(auditLog.sequence, afterSequence),
      filters.from && gte(auditLog.occurredAt, filters.from),
      filters.to && lt(auditLog.occurredAt, filters.to),
      filters.actorType === undefined ? undefined : eq(auditLog.actorType, filters.actorType),
      filters.actorId === undefined ? undefined : eq(auditLog.actorId, filters.actorId),
      filters.action === undefined ? undefined : eq(auditLog.action, filters.action),
      filters.resourceType === undefined ? undefined : eq(auditLog.resourceType, filters.resourceType),
      filters.resourceId === undefined ? undefined : eq(auditLog.resourceId, filters.resourceId),
      filters.correlationId === undefined ? undefined : eq(auditLog.correlationId, filters.correlationId),
      filters.outcome === undefined ? undefined : eq(auditLog.outcome, filters.outcome),
    ];
    return tx.select().from(auditLog).where(and(...conditions)).orderBy(asc(auditLog.sequence)).limit(limit);
  }

  /** Entries after `afterSequence` up to `lastSequence`, at most `limit`: a page of a streaming pass. */
  async range(tx: AuditTransaction, logId: string, afterSequence: number, lastSequence: number, limit: number): Promise<AuditLogRow[]> {
    return tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.logId, logId), gt(auditLog.sequence, afterSequence), lte(auditLog.sequence, lastSequence)))
      .orderBy(asc(auditLog.sequence))
      .limit(limit);
  }

  /**
   * Leaf hashes only, likewise: of archived entries (audit_archived_leaves, kept when their
   * partition was dropped) and live ones, so Merkle roots and proofs span the whole log.
   */
  async leafHashes(tx: AuditTransaction, logId: string, afterSequence: number, lastSequence: number, limit: number): Promise<LeafRow[]> {
    const result = await tx.execute<{ sequence: string; leaf_hash: Buffer }>(sql`
      (select sequence, leaf_hash from ${auditArchivedLeaves}
        where log_id = ${logId} and sequence > ${afterSequence} and sequence <= ${lastSequence} order by sequence limit ${limit})
      union all
      (select sequence, leaf_hash from ${auditLog}
        where log_id = ${logId} and sequence > ${afterSequence} and sequence <= ${lastSequence} order by sequence limit ${limit})
      order by sequence limit ${limit}`);
    return result.rows.map((row) => ({ sequence: Number(row.sequence), leafHash: row.leaf_hash }));
  }

  async entry(tx: AuditTransaction, logId: string, sequence: number): Promise<AuditLogRow | undefined> {
    const [row] = await tx.select().from(auditLog).where(and(eq(auditLog.logId, logId), eq(auditLog.sequence, sequence))).limit(1);
    return row;
  }
}
