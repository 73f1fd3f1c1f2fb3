import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';

/** A storage_records row as ingest writes it; backup_status and backup_ref keep their defaults. */
export interface NewRecord {
  id: string;
  requestId: string;
  detectorName: string;
  detectorType: string;
  detectorVersion: string;
  modelVersion: string;
  taxonomy: string[];
  taxonomyPaths: string[];
  scores: Record<string, number>;
  confidence: number;
  latencyMs: number;
  metadata: Record<string, unknown> | null;
  provenance: Record<string, unknown> | null;
  /** FieldEncryptor ciphertext. */
  sourceData: string;
  correlationId: string;
  occurredAt: Date;
}

/** Records of one tenant stored at one instant, so tenant, expiry and creation time are shared. */
export interface RecordBatch {
  tenantId: string;
  createdAt: Date;
  expiresAt: Date;
  records: NewRecord[];
}

/**
 * The records of a batch as one row set `r`, from a single JSON parameter: fixed statement text
 * whatever the batch size, no per-value escaping on this side, and PostgreSQL turns JSON arrays
 * and objects into the text[] and jsonb columns natively.
 */
function recordRows(batch: RecordBatch): SQL {
  const rows = batch.records.map((record) => ({
    id: record.id,
    request_id: record.requestId,
    detector_name: record.detectorName,
    detector_type: record.detectorType,
    detector_version: record.detectorVersion,
    model_version: record.modelVersion,
    taxonomy: record.taxonomy,
    taxonomy_paths: record.taxonomyPaths,
    scores: record.scores,
    confidence: record.confidence,
    latency_ms: record.latencyMs,
    metadata: record.metadata,
    provenance: record.provenance,
    source_data: record.sourceData,
    correlation_id: record.correlationId,
    occurred_at: record.occurredAt,
  }));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
    as r(id uuid, request_id text, detector_name text, detector_type text, detector_version text, model_version text,
         taxonomy text[], taxonomy_paths text[], scores jsonb, confidence float8, latency_ms float8, metadata jsonb, provenance jsonb,
         source_data text, correlation_id text, occurred_at timestamptz)`;
}

function insertRecords(batch: RecordBatch, from: SQL): SQL {
  return sql`insert into storage_records (id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version,
      taxonomy, taxonomy_paths, scores, confidence, latency_ms, metadata, provenance, source_data, correlation_id, occurred_at, expires_at, created_at)
    select r.id, ${batch.tenantId}, r.request_id, r.detector_name, r.detector_type, r.detector_version, r.model_version,
      r.taxonomy, r.taxonomy_paths, r.scores, r.confidence, r.latency_ms, r.metadata, r.provenance, r.source_data,
      r.correlation_id, r.occurred_at, ${batch.expiresAt}, ${batch.createdAt}
    from ${from}`;
}

function claimKeys(batch: RecordBatch): SQL {
  // In request id order: a key another transaction holds makes this one wait, and two batches
  // sharing keys (resends) would deadlock if each took them in its own order.
  return sql`insert into storage_record_keys (tenant_id, request_id, record_id, expires_at)
    select ${batch.tenantId}, k.request_id, k.id, ${batch.expiresAt}
    from unnest(${sql.param(batch.records.map((r) => r.id))}::uuid[], ${sql.param(batch.records.map((r) => r.requestId))}::text[]) as k(id, request_id)
    order by k.request_id
    on conflict do nothing
    returning request_id, record_id`;
}

/**
 * The SQL of ingest, as fixed statements over column arrays; every call runs inside the tenant's
 * transaction.
 */
@Injectable()
export class MappingIngestRepository {
  /**
   * Claims the ledger key of every record and stores the records whose key it claimed, in one
   * statement; returns the request ids claimed. A key another transaction holds uncommitted makes
   * this wait for it, so two concurrent submissions of one request can never both win.
   */
  async claimAndStore(tx: CoreTransaction, batch: RecordBatch): Promise<Set<string>> {
    if (batch.records.length === 0) return new Set();
    const result = await tx.execute<{ request_id: string }>(sql`with claimed as (${claimKeys(batch)}),
      stored as (${insertRecords(batch, sql`${recordRows(batch)} join claimed on claimed.record_id = r.id`)})
      select request_id from claimed`);
    return new Set(result.rows.map((row) => row.request_id));
  }

  /** Claims ledger keys without storing records: for a batch that must first learn how many fit its quota. */
  async claim(tx: CoreTransaction, batch: RecordBatch): Promise<Set<string>> {
    if (batch.records.length === 0) return new Set();
    const result = await tx.execute<{ request_id: string }>(claimKeys(batch));
    return new Set(result.rows.map((row) => row.request_id));
  }

  /** Stores records whose keys this transaction claimed before. */
  async store(tx: CoreTransaction, batch: RecordBatch): Promise<void> {
    if (batch.records.length > 0) await tx.execute(insertRecords(batch, recordRows(batch)));
  }

  /** Record ids of request ids stored before. */
  async recordIdsOf(tx: CoreTransaction, tenantId: string, requestIds: string[]): Promise<Map<string, string>> {
    if (requestIds.length === 0) return new Map();
    const result = await tx.execute<{ request_id: string; record_id: string }>(
      sql`select request_id, record_id from storage_record_keys where tenant_id = ${tenantId} and request_id = any(${sql.param(requestIds)}::text[])`,
    );
    return new Map(result.rows.map((row) => [row.request_id, row.record_id]));
  }

  /** Gives back keys this transaction claimed for mappings it then refused, so a later resend can be stored. */
  async release(tx: CoreTransaction, tenantId: string, requestIds: string[]): Promise<void> {
    if (requestIds.length === 0) return;
    await tx.execute(sql`delete from storage_record_keys where tenant_id = ${tenantId} and request_id = any(${sql.param(requestIds)}::text[])`);
  }

  /**
   * Adds to the month's usage and returns the new total. The row stays locked until the
   * transaction ends, so concurrent ingests of one tenant take turns from here on: ingest does it
   * last, or (with 0) first when it must know the count before it decides.
   */
  async addUsage(tx: CoreTransaction, tenantId: string, month: string, records: number): Promise<number> {
    const result = await tx.execute<{ records: number }>(sql`insert into tenant_usage (tenant_id, month, records) values (${tenantId}, ${month}, ${records})
      on conflict (tenant_id, month) do update set records = tenant_usage.records + excluded.records
      returning records`);
    return result.rows[0].records;
  }
}
