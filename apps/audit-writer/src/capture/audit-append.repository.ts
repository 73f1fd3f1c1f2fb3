import { Injectable } from '@nestjs/common';
import { enterTenant } from '@comply/persistence';
import { sql } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditLog, auditLogs, PLATFORM_LOG_ID } from '../database/schema';
import { GENESIS_PREV_HASH } from '../ledger/hash-chain';

/** The head of a log, locked for the rest of the transaction. */
export interface LockedHead {
  /** Entries so far: the last sequence. */
  size: number;
  headHash: Buffer;
  /** The Merkle frontier at `size` (audit_logs.frontier); null for a log from before it was kept, until backfilled. */
  frontier: Buffer | null;
  /** The database clock after the lock, to the millisecond, never before the previous append's. */
  recordedAt: Date;
}

/** One row of audit_log as the append writes it. */
export interface AppendedRow {
  sequence: number;
  occurredAt: string;
  eventId: string;
  actorType: string;
  actorId: string;
  action: string;
  resourceType: string;
  resourceId?: string;
  outcome: string;
  correlationId: string;
  service: string;
  host?: string;
  sourceIp?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
  canonical: Buffer;
  leafHash: Buffer;
  prevHash: Buffer;
  hash: Buffer;
}

/**
 * Appends to one log at a time, in the caller's transaction and under that log's row-level
 * security context ('platform' for the platform log): the head row is created at genesis if
 * need be and locked, so concurrent appends to one log serialize and cannot fork it.
 */
@Injectable()
export class AuditAppendRepository {
  async lockHead(tx: AuditTransaction, logId: string): Promise<LockedHead> {
    await enterTenant(tx, logId);
    const tenantId = logId === PLATFORM_LOG_ID ? null : logId;
    await tx.execute(sql`insert into ${auditLogs} (log_id, tenant_id, head_hash) values (${logId}, ${tenantId}, ${GENESIS_PREV_HASH})
      on conflict (log_id) do nothing`);
    // The CTE's row is locked before the outer projection reads the clock.
    const result = await tx.execute<{ size: string; head_hash: Buffer; frontier: Buffer | null; recorded_at: string }>(sql`
      with head as (select size, head_hash, frontier, updated_at from ${auditLogs} where log_id = ${logId} for update)
      select size, head_hash, frontier,
             to_char(greatest(date_trunc('milliseconds', clock_timestamp()), head.updated_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
        from head`);
    const [head] = result.rows;
    if (!head) throw new Error(`audit log ${logId}: head row not visible after insert`);
    return { size: Number(head.size), headHash: head.head_hash, frontier: head.frontier, recordedAt: new Date(head.recorded_at) };
  }

  /** Logs appended to before the frontier was kept, whose frontier is still to be computed; across tenants. */
  async logsWithoutFrontier(tx: AuditTransaction): Promise<string[]> {
    const result = await tx.execute<{ log_id: string }>(sql`select log_id from audit_log_heads() where not has_frontier`);
    return result.rows.map((row) => row.log_id);
  }

  /** Stores the frontier computed for a log whose head (locked by the caller) had none. */
  async backfillFrontier(tx: AuditTransaction, logId: string, frontier: Buffer): Promise<void> {
    await tx.execute(sql`update ${auditLogs} set frontier = ${frontier} where log_id = ${logId} and frontier is null`);
  }

  /**
   * All rows in one fixed statement over one JSON parameter; in the same statement the head moves
   * to the last of them and the frontier to `frontier`, the Merkle frontier after them.
   */
  async append(tx: AuditTransaction, logId: string, rows: AppendedRow[], recordedAt: Date, frontier: Buffer): Promise<void> {
    const last = rows[rows.length - 1];
    if (!last) return;
    const tenantId = logId === PLATFORM_LOG_ID ? null : logId;
    const records = rows.map((row) => ({
      sequence: row.sequence,
      occurred_at: row.occurredAt,
      event_id: row.eventId,
      actor_type: row.actorType,
      actor_id: row.actorId,
      action: row.action,
      resource_type: row.resourceType,
      resource_id: row.resourceId,
      outcome: row.outcome,
      correlation_id: row.correlationId,
      service: row.service,
      host: row.host,
      source_ip: row.sourceIp,
      user_agent: row.userAgent,
      details: row.details,
      canonical: row.canonical.toString('base64'),
      leaf_hash: row.leafHash.toString('hex'),
      prev_hash: row.prevHash.toString('hex'),
      hash: row.hash.toString('hex'),
    }));
    await tx.execute(sql`
      with appended as (
        insert into ${auditLog} (log_id, sequence, tenant_id, occurred_at, recorded_at, event_id, actor_type, actor_id, action,
          resource_type, resource_id, outcome, correlation_id, service, host, source_ip, user_agent, details, canonical, leaf_hash, prev_hash, hash)
        select ${logId}, r.sequence, ${tenantId}::text, r.occurred_at, ${recordedAt.toISOString()}::timestamptz, r.event_id, r.actor_type, r.actor_id, r.action,
               r.resource_type, r.resource_id, r.outcome, r.correlation_id, r.service, r.host, r.source_ip, r.user_agent, r.details,
               decode(r.canonical, 'base64'), decode(r.leaf_hash, 'hex'), decode(r.prev_hash, 'hex'), decode(r.hash, 'hex')
          from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(sequence bigint, occurred_at timestamptz, event_id text, actor_type text,
               actor_id text, action text, resource_type text, resource_id text, outcome text, correlation_id text, service text, host text,
               source_ip text, user_agent text, details jsonb, canonical text, leaf_hash text, prev_hash text, hash text)
      )
      update ${auditLogs} set size = ${last.sequence}, head_hash = ${last.hash}, frontier = ${frontier}, updated_at = ${recordedAt.toISOString()}::timestamptz
       where log_id = ${logId}`);
  }

}
