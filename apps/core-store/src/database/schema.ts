import { API_KEY_SCOPES, BACKUP_STATUSES, TENANT_STATUSES } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * drizzle schema of the `core` database. `drizzle-kit generate` turns changes here into SQL under
 * migrations/core/; what drizzle cannot express (row-level security, partitioning of
 * storage_records, seed data, maintenance functions) lives in hand-written migrations beside them.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  plan: text('plan').notNull().default('free'),
  status: text('status', { enum: TENANT_STATUSES }).notNull().default('active'),
  createdAt: createdAt(),
  /** The directory version: increases with every change other services' replicas learn of (tenant.*.v1). */
  version: bigint('version', { mode: 'number' }).notNull().default(1),
});

/** One row per tenant; `version` increases with every change so caches and admins can tell edits apart. */
export const tenantConfigs = pgTable('tenant_configs', {
  tenantId: text('tenant_id')
    .primaryKey()
    .references(() => tenants.id),
  retentionDays: integer('retention_days').notNull().default(365),
  /** null: every detector is allowed. */
  allowedDetectors: text('allowed_detectors').array(),
  defaultModelVersion: text('default_model_version'),
  /** The data key new values are encrypted with (the newest in tenant_data_keys). */
  encryptionKeyId: text('encryption_key_id'),
  /** Records per calendar month (UTC) from billing.quota.changed.v1; null: no limit. */
  monthlyRecordQuota: integer('monthly_record_quota'),
  quotaPlan: text('quota_plan'),
  /** occurredAt of the quota event applied last, so an older event arriving late changes nothing. */
  quotaChangedAt: timestamp('quota_changed_at', { withTimezone: true }),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Records stored per tenant and calendar month (UTC): what the quota is checked against. */
export const tenantUsage = pgTable(
  'tenant_usage',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    month: text('month').notNull(),
    records: integer('records').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.month] })],
);

/**
 * Partitioned by month on created_at (see migrations/core/0005_storage_partitions.sql). The id is
 * a UUIDv7 whose timestamp equals created_at, so a lookup by id prunes to one partition. The
 * primary key must include the partition key; uniqueness of (tenant, request_id) across months is
 * kept by storage_record_keys instead.
 */
export const storageRecords = pgTable(
  'storage_records',
  {
    id: uuid('id').notNull(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    requestId: text('request_id').notNull(),
    detectorName: text('detector_name').notNull(),
    detectorType: text('detector_type').notNull(),
    detectorVersion: text('detector_version').notNull(),
    modelVersion: text('model_version').notNull(),
    taxonomy: text('taxonomy').array().notNull(),
    /** Every label of `taxonomy` and each of its ancestors ("PII", "PII.Identifier", ...): the GIN-indexed prefix filter. */
    taxonomyPaths: text('taxonomy_paths').array().notNull(),
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    confidence: doublePrecision('confidence').notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    provenance: jsonb('provenance').$type<Record<string, unknown>>(),
    /** FieldEncryptor ciphertext of the detector's raw output; the database never sees it in clear. */
    sourceData: text('source_data').notNull(),
    correlationId: text('correlation_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    backupStatus: text('backup_status', { enum: BACKUP_STATUSES }).notNull().default('pending'),
    /** `<backupId>` of the backup that covers (or failed to cover) the record. */
    backupRef: text('backup_ref'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.id, table.createdAt] }),
    index('storage_records_tenant_created_idx').on(table.tenantId, table.createdAt.desc(), table.id.desc()),
    index('storage_records_tenant_detector_idx').on(table.tenantId, table.detectorName, table.createdAt.desc()),
    index('storage_records_taxonomy_paths_idx').using('gin', table.taxonomyPaths),
    index('storage_records_metadata_idx').using('gin', sql`${table.metadata} jsonb_path_ops`),
    index('storage_records_low_confidence_idx')
      .on(table.tenantId, table.confidence)
      .where(sql`${table.confidence} < 0.5`),
    index('storage_records_tenant_expires_idx').on(table.tenantId, table.expiresAt),
    index('storage_records_backup_pending_idx')
      .on(table.tenantId, table.createdAt)
      .where(sql`${table.backupStatus} <> 'backed_up'`),
  ],
);

/**
 * The idempotency ledger: one row per (tenant, request_id) ever stored, whatever month its record
 * lives in. Ingest inserts here first (ON CONFLICT DO NOTHING); only a new key gets a record.
 * Rows outlive a deleted record until its expiry, so a late resend cannot bring it back.
 */
export const storageRecordKeys = pgTable(
  'storage_record_keys',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    requestId: text('request_id').notNull(),
    recordId: uuid('record_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.requestId] }),
    uniqueIndex('storage_record_keys_record_idx').on(table.recordId),
    index('storage_record_keys_tenant_expires_idx').on(table.tenantId, table.expiresAt),
  ],
);

/** Wrapped per-tenant data keys (libs/crypto DataKeyStore). Deleting a tenant's rows shreds its data. */
export const tenantDataKeys = pgTable(
  'tenant_data_keys',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    keyId: text('key_id').notNull(),
    wrapped: bytea('wrapped').notNull(),
    kekId: text('kek_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.keyId] })],
);

/** Only a SHA-256 of the secret is stored; the public prefix finds the row. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes', { enum: API_KEY_SCOPES }).array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** The directory version: increases with every change other services' replicas learn of (apikey.*.v1). */
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (table) => [uniqueIndex('api_keys_prefix_idx').on(table.prefix), index('api_keys_tenant_idx').on(table.tenantId)],
);

// Reference data: rows with tenant_id null are global (seeded, read-only to the service); a
// tenant's own rows extend them.

export const modelVersions = pgTable(
  'model_versions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').references(() => tenants.id),
    version: text('version').notNull(),
    status: text('status', { enum: ['active', 'deprecated', 'retired'] }).notNull().default('active'),
    description: text('description'),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('model_versions_scope_version_idx').on(sql`coalesce(${table.tenantId}, '')`, table.version)],
);

export const detectorConfigs = pgTable(
  'detector_configs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').references(() => tenants.id),
    detectorName: text('detector_name').notNull(),
    detectorType: text('detector_type').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Findings below this confidence are still stored, and flagged by the low-confidence index. */
    minConfidence: doublePrecision('min_confidence').notNull().default(0),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('detector_configs_scope_name_idx').on(sql`coalesce(${table.tenantId}, '')`, table.detectorName)],
);

export const taxonomyLabels = pgTable(
  'taxonomy_labels',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').references(() => tenants.id),
    label: text('label').notNull(),
    /** The label one segment up ("PII.Identifier" for "PII.Identifier.SSN"); null for a root. */
    parentLabel: text('parent_label'),
    description: text('description').notNull(),
    /** Other names producers use for the same label, e.g. "US_SSN". */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('taxonomy_labels_scope_label_idx').on(sql`coalesce(${table.tenantId}, '')`, table.label),
    index('taxonomy_labels_aliases_idx').using('gin', table.aliases),
  ],
);

export const complianceMappings = pgTable(
  'compliance_mappings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').references(() => tenants.id),
    taxonomyLabel: text('taxonomy_label').notNull(),
    framework: text('framework').notNull(),
    controlId: text('control_id').notNull(),
    description: text('description').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('compliance_mappings_scope_idx').on(sql`coalesce(${table.tenantId}, '')`, table.taxonomyLabel, table.framework, table.controlId),
  ],
);

export const coreSchema = {
  tenants,
  tenantConfigs,
  tenantUsage,
  storageRecords,
  storageRecordKeys,
  tenantDataKeys,
  apiKeys,
  modelVersions,
  detectorConfigs,
  taxonomyLabels,
  complianceMappings,
};
export type CoreSchema = typeof coreSchema;
