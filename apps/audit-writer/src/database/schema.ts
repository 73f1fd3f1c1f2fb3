import { sql } from 'drizzle-orm';
import { bigint, check, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * drizzle schema of the `audit` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/audit/; what drizzle cannot express (partitioning of audit_log, row-level
 * security, the append-only triggers, partition maintenance) lives in hand-written migrations beside them.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Log id of the one platform-level log: events without a tenant. Reserved; no tenant may be called this. */
export const PLATFORM_LOG_ID = 'platform';

/**
 * One row per log (per tenant, plus `platform`): the head of its hash chain. A batch appends to a
 * log under `SELECT … FOR UPDATE` of this row, so concurrent batches of one tenant serialize and
 * cannot fork the log, while batches of different tenants lock different rows and run in parallel.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    /** The tenant id, or `platform`. */
    logId: text('log_id').primaryKey(),
    /** Null only for the platform log. */
    tenantId: text('tenant_id'),
    /** Entries appended so far: the last entry's sequence number, and the Merkle tree size. */
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    /** `hash` of the last entry; 32 zero bytes at genesis. */
    headHash: bytea('head_hash').notNull(),
    /** The recorded_at of the last append: the next one is never earlier, so recorded_at grows with sequence. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The Merkle frontier at `size`: the roots of the complete subtrees of the tree (one per set bit
     * of size, largest first), 32 bytes each, concatenated. The root of the log at its size follows
     * from it without reading the entries; each append extends it in the statement that moves the
     * head. Null only for a log appended to before migration 0008, until it is computed from the
     * log's leaf hashes (at start, or by the next append).
     */
    frontier: bytea('frontier').default(sql`''::bytea`),
    /** Tree size of the log's latest stored checkpoint; 0 before the first. */
    checkpointSize: bigint('checkpoint_size', { mode: 'number' }).notNull().default(0),
    /** The frontier at checkpoint_size: the next checkpoint is signed only if the log's frontier extends it. */
    checkpointFrontier: bytea('checkpoint_frontier').notNull().default(sql`''::bytea`),
  },
  (table) => [
    check(
      'audit_logs_tenant_matches_log',
      sql`(${table.logId} = 'platform' AND ${table.tenantId} IS NULL) OR (${table.logId} <> 'platform' AND ${table.tenantId} = ${table.logId})`,
    ),
    check('audit_logs_size_non_negative', sql`${table.size} >= 0`),
    check('audit_logs_head_hash_length', sql`octet_length(${table.headHash}) = 32`),
    check('audit_logs_checkpoint_size_non_negative', sql`${table.checkpointSize} >= 0`),
    // One 32-byte subtree root per set bit of the size.
    check('audit_logs_frontier_shape', sql`${table.frontier} IS NULL OR octet_length(${table.frontier}) = 32 * bit_count(${table.size}::bit(64))`),
    check('audit_logs_checkpoint_frontier_shape', sql`octet_length(${table.checkpointFrontier}) = 32 * bit_count(${table.checkpointSize}::bit(64))`),
  ],
);

/**
 * The entries, append-only. The table is range-partitioned by month on `recorded_at` in the
 * migration (drizzle cannot declare partitioning; this declaration is for typing and the snapshot).
 *
 * Partition key: `recorded_at`, not `occurred_at`. It is set by the database when the entry is
 * appended (clock_timestamp(), taken after the log row is locked), so within one log it grows with
 * `sequence`: a month's partition holds a contiguous run of each log's chain, and retention can
 * export, verify and drop the oldest partitions without cutting a chain in the middle. `occurred_at`
 * comes from the producer: late or clock-skewed events would land in months already archived.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    logId: text('log_id').notNull(),
    /** 1-based position in the log (the first entry is 1); the Merkle leaf index is sequence − 1. */
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    /** Null only in the platform log. */
    tenantId: text('tenant_id'),
    /** When the action happened (the producer's clock). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** When the entry was appended (the database's clock); the partition key. */
    recordedAt: timestamp('recorded_at', { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
    /** The message id of the audit event (the inbox deduplicates redeliveries). */
    eventId: text('event_id').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    outcome: text('outcome').notNull(),
    correlationId: text('correlation_id').notNull(),
    service: text('service').notNull(),
    host: text('host'),
    sourceIp: text('source_ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    /** The RFC 8785 canonical bytes of the entry: what `leaf_hash` hashes, so anyone can recompute it. */
    canonical: bytea('canonical').notNull(),
    /** RFC 6962 leaf hash: SHA-256(0x00 ‖ canonical). */
    leafHash: bytea('leaf_hash').notNull(),
    /** `hash` of the previous entry of the log; 32 zero bytes for sequence 1. */
    prevHash: bytea('prev_hash').notNull(),
    /** Chain hash: SHA-256(prev_hash ‖ canonical). */
    hash: bytea('hash').notNull(),
  },
  (table) => [
    // A primary key of a partitioned table must contain the partition key. Sequence numbers stay
    // unique per log because every append holds the log's audit_logs row lock and takes size + 1.
    primaryKey({ columns: [table.logId, table.sequence, table.recordedAt] }),
    index('audit_log_log_sequence_idx').on(table.logId, table.sequence),
    index('audit_log_tenant_occurred_idx').on(table.tenantId, table.occurredAt.desc()),
    index('audit_log_tenant_correlation_idx').on(table.tenantId, table.correlationId),
    check(
      'audit_log_tenant_matches_log',
      sql`(${table.logId} = 'platform' AND ${table.tenantId} IS NULL) OR (${table.logId} <> 'platform' AND ${table.tenantId} = ${table.logId})`,
    ),
    check('audit_log_sequence_non_negative', sql`${table.sequence} >= 0`),
    check(
      'audit_log_hash_lengths',
      sql`octet_length(${table.leafHash}) = 32 AND octet_length(${table.prevHash}) = 32 AND octet_length(${table.hash}) = 32`,
    ),
  ],
);

/**
 * One row per archived monthly partition of audit_log: where its manifest is, and whether every
 * blob was read back and verified. The partition is dropped (audit_archive_drop_partition) only
 * once verified_at is set. Names months, not tenants: no row-level security.
 */
export const auditArchives = pgTable('audit_archives', {
  /** e.g. audit_log_p201901. */
  partition: text('partition').primaryKey(),
  rangeStart: timestamp('range_start', { withTimezone: true }).notNull(),
  rangeEnd: timestamp('range_end', { withTimezone: true }).notNull(),
  /** `archive/<partition>/manifest.json` in the archive container. */
  manifestBlob: text('manifest_blob').notNull(),
  manifestSha256: bytea('manifest_sha256').notNull(),
  /** Entries of all logs in the partition. */
  entries: bigint('entries', { mode: 'number' }).notNull(),
  /** Every blob was read back from storage and verified against the database. */
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  /** The partition was detached and dropped. */
  droppedAt: timestamp('dropped_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** With AUDIT_ARCHIVE_HANDOFF: the latest archive.requested.v1 sent to backup-worker for this partition. */
  handoffRequestId: uuid('handoff_request_id'),
  handoffRequestedAt: timestamp('handoff_requested_at', { withTimezone: true }),
  /** requested, then completed or failed as backup-worker answered the request named above. */
  handoffStatus: text('handoff_status').$type<'requested' | 'completed' | 'failed'>(),
  /** Rows backup-worker archived: the partition is dropped only when they equal `entries`. */
  handoffRows: bigint('handoff_rows', { mode: 'number' }),
  /** backup-worker's blob, or its error code when it failed. */
  handoffBlob: text('handoff_blob'),
  handoffChecksum: text('handoff_checksum'),
  handoffError: text('handoff_error'),
  handoffAnsweredAt: timestamp('handoff_answered_at', { withTimezone: true }),
});

/**
 * One row per log of an archived partition (row-level security by log): its slice and the chain's
 * ends, so the live log's first entry can be checked against the archived last hash.
 */
export const auditArchiveLogs = pgTable(
  'audit_archive_logs',
  {
    partition: text('partition')
      .notNull()
      .references(() => auditArchives.partition),
    logId: text('log_id').notNull(),
    firstSequence: bigint('first_sequence', { mode: 'number' }).notNull(),
    lastSequence: bigint('last_sequence', { mode: 'number' }).notNull(),
    entries: bigint('entries', { mode: 'number' }).notNull(),
    /** prev_hash of the first archived entry: the hash of the entry before the partition. */
    firstPrevHash: bytea('first_prev_hash').notNull(),
    /** hash of the last archived entry: the prev_hash the log's next entry must have. */
    lastHash: bytea('last_hash').notNull(),
    /** `archive/<partition>/<log id>.ndjson`: the export format, header to trailer. */
    sliceBlob: text('slice_blob').notNull(),
    sliceSha256: bytea('slice_sha256').notNull(),
    /** The tree size of the signed checkpoint the slice carries and proves its entries in. */
    checkpointSize: bigint('checkpoint_size', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.partition, table.logId] }),
    index('audit_archive_logs_log_idx').on(table.logId, table.lastSequence),
    check('audit_archive_logs_sequences', sql`${table.firstSequence} >= 1 AND ${table.lastSequence} >= ${table.firstSequence} AND ${table.entries} = ${table.lastSequence} - ${table.firstSequence} + 1`),
    check(
      'audit_archive_logs_hash_lengths',
      sql`octet_length(${table.firstPrevHash}) = 32 AND octet_length(${table.lastHash}) = 32 AND octet_length(${table.sliceSha256}) = 32`,
    ),
  ],
);

/**
 * The leaf hashes of archived entries (32 bytes each), copied out of a partition in the
 * transaction that drops it: Merkle roots and proofs of the whole log need every leaf, and the
 * entries themselves are in the archive blobs. Written only by audit_archive_drop_partition.
 */
export const auditArchivedLeaves = pgTable(
  'audit_archived_leaves',
  {
    logId: text('log_id').notNull(),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    leafHash: bytea('leaf_hash').notNull(),
  },
  (table) => [primaryKey({ columns: [table.logId, table.sequence] }), check('audit_archived_leaves_leaf_hash_length', sql`octet_length(${table.leafHash}) = 32`)],
);

export const auditSchema = { auditLogs, auditLog, auditArchives, auditArchiveLogs, auditArchivedLeaves };
export type AuditSchema = typeof auditSchema;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type NewAuditLogRow = typeof auditLog.$inferInsert;
export type AuditLogHeadRow = typeof auditLogs.$inferSelect;
export type AuditArchiveRow = typeof auditArchives.$inferSelect;
export type AuditArchiveLogRow = typeof auditArchiveLogs.$inferSelect;
