import { FieldEncryptor } from '@comply/crypto';
import { taxonomyPaths, type BackupStatus } from '@comply/contracts';
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../database/uuidv7';
import { encryptSourceData } from '../encryption/source-data-cipher';
import { CoreStoreTestApp } from './core-store-test-app';

export interface RecordFixture {
  /** The storage instant: the id's timestamp and created_at. Must fall in a month that has a partition. */
  storedAtMs: number;
  requestId: string;
  detector: { name: string; type: string; version: string };
  modelVersion: string;
  taxonomy: string[];
  scores: Record<string, number>;
  confidence: number;
  latencyMs: number;
  sourceData: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  provenance: Record<string, unknown> | null;
  correlationId: string;
  occurredAt: Date;
  expiresAt: Date;
  backupStatus: BackupStatus;
  backupRef: string | null;
}

export interface InsertedRecord extends RecordFixture {
  id: string;
  createdAt: Date;
}

/**
 * A storage_records row (and its idempotency-ledger row) as ingest would store it, inserted as the
 * superuser: source data encrypted by the running service's FieldEncryptor under the tenant's key.
 */
export async function insertRecord(app: CoreStoreTestApp, tenantId: string, overrides: Partial<RecordFixture> = {}): Promise<InsertedRecord> {
  const storedAtMs = overrides.storedAtMs ?? Date.now();
  const taxonomy = overrides.taxonomy ?? ['PII.Contact.Email'];
  const fixture: RecordFixture = {
    storedAtMs,
    requestId: randomUUID(),
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    modelVersion: 'mapper-2026.11',
    taxonomy,
    scores: Object.fromEntries(taxonomy.map((label) => [label, 0.9])),
    confidence: 0.9,
    latencyMs: 12.5,
    sourceData: { text: `contact me at person-${randomUUID()}@example.com`, entities: [{ type: 'EMAIL_ADDRESS', start: 14, end: 60 }] },
    metadata: { channel: 'chat' },
    provenance: { pipeline: 'fixture' },
    correlationId: randomUUID(),
    occurredAt: new Date(storedAtMs - 1_000),
    expiresAt: new Date(storedAtMs + 365 * 86_400_000),
    backupStatus: 'pending',
    backupRef: null,
    ...overrides,
  };
  const id = uuidv7(storedAtMs);
  const createdAt = new Date(storedAtMs);
  const ciphertext = await encryptSourceData(app.service.app.get(FieldEncryptor), tenantId, id, fixture.sourceData);
  await app.sql(
    `insert into storage_records (id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version, taxonomy,
       taxonomy_paths, scores, confidence, latency_ms, metadata, provenance, source_data, correlation_id, occurred_at, backup_status,
       backup_ref, expires_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [
      id,
      tenantId,
      fixture.requestId,
      fixture.detector.name,
      fixture.detector.type,
      fixture.detector.version,
      fixture.modelVersion,
      fixture.taxonomy,
      taxonomyPaths(fixture.taxonomy),
      JSON.stringify(fixture.scores),
      fixture.confidence,
      fixture.latencyMs,
      fixture.metadata === null ? null : JSON.stringify(fixture.metadata),
      fixture.provenance === null ? null : JSON.stringify(fixture.provenance),
      ciphertext,
      fixture.correlationId,
      fixture.occurredAt,
      fixture.backupStatus,
      fixture.backupRef,
      fixture.expiresAt,
      createdAt,
    ],
  );
  await app.sql(`insert into storage_record_keys (tenant_id, request_id, record_id, expires_at) values ($1, $2, $3, $4)`, [
    tenantId,
    fixture.requestId,
    id,
    fixture.expiresAt,
  ]);
  return { ...fixture, id, createdAt };
}
