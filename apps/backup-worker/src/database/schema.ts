import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { BACKUP_RUN_STATUSES, BACKUP_TRIGGERS, BACKUP_VERIFICATION_STATUSES } from '@comply/contracts';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';

/**
 * drizzle schema of the `backup` database: the catalog of backup runs and restore drills.
 * `drizzle-kit generate` turns tables added here into SQL under migrations/backup/; grants beyond
 * the defaults live in hand-written migrations beside them.
 *
 * The catalog describes whole databases, not tenants' data, so it has no row-level security:
 * nothing in it is scoped to a tenant, and only the operator API (admin token) reads it.
 */

export type BackupRunStatus = (typeof BACKUP_RUN_STATUSES)[number];
export type BackupTrigger = (typeof BACKUP_TRIGGERS)[number];
export type VerificationStatus = (typeof BACKUP_VERIFICATION_STATUSES)[number];

/** One table of a drill: what the manifest promised and what the restored copy holds. */
export interface TableComparison {
  name: string;
  expectedRows: number;
  expectedDigest: string;
  actualRows: number | null;
  actualDigest: string | null;
  matches: boolean;
}

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One backup of one database. A run is inserted `running` under the database's advisory lock and
 * ends `completed` (blob, manifest and checksum set, in the transaction that publishes
 * backup.completed.v1) or `failed` (an error code, with backup.failed.v1); retention turns old
 * completed runs `expired`. At most one run per database is `running`.
 */
export const backupRuns = pgTable(
  'backup_runs',
  {
    id: uuid('id').primaryKey(),
    database: text('database').notNull(),
    status: text('status').$type<BackupRunStatus>().notNull(),
    trigger: text('trigger').$type<BackupTrigger>().notNull(),
    startedAt: instant('started_at').notNull().defaultNow(),
    completedAt: instant('completed_at'),
    /** The snapshot's own time (source database clock). */
    snapshotAt: instant('snapshot_at'),
    /** Every transaction that started before this instant is in the snapshot: what backup.completed.v1 reports as startedAt. */
    coversTransactionsBefore: instant('covers_transactions_before'),
    blobContainer: text('blob_container').notNull(),
    /** `backups/<database>/<yyyy>/<mm>/<dd>/<id>.cbk`; its manifest is `<id>.manifest.json` beside it. */
    blobName: text('blob_name').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** "sha256:<hex>" of the blob as written. */
    checksum: text('checksum'),
    manifest: jsonb('manifest').$type<SnapshotManifest>(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The worker that ran it. */
    host: text('host').notNull(),
    expiredAt: instant('expired_at'),
  },
  (table) => [
    index('backup_runs_database_started_idx').on(table.database, table.startedAt.desc()),
    uniqueIndex('backup_runs_one_running_per_database').on(table.database).where(sql`${table.status} = 'running'`),
    check('backup_runs_database', sql`${table.database} in ('core', 'billing', 'analytics', 'audit', 'backup')`),
    check('backup_runs_status', sql`${table.status} in ('running', 'completed', 'failed', 'expired')`),
    check('backup_runs_trigger', sql`${table.trigger} in ('schedule', 'operator', 'cli')`),
    check(
      'backup_runs_completed_has_blob',
      sql`${table.status} not in ('completed', 'expired') or (${table.completedAt} is not null and ${table.checksum} ~ '^sha256:[0-9a-f]{64}$' and ${table.sizeBytes} >= 0 and ${table.manifest} is not null and ${table.coversTransactionsBefore} is not null)`,
    ),
    check('backup_runs_failed_has_error', sql`${table.status} <> 'failed' or (${table.completedAt} is not null and ${table.errorCode} is not null)`),
    check('backup_runs_expired_when', sql`(${table.status} = 'expired') = (${table.expiredAt} is not null)`),
  ],
);

/** One restore drill of a completed run: restored into a scratch database, compared table by table with its manifest. */
export const backupVerifications = pgTable(
  'backup_verifications',
  {
    id: uuid('id').primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => backupRuns.id),
    status: text('status').$type<VerificationStatus>().notNull(),
    startedAt: instant('started_at').notNull(),
    completedAt: instant('completed_at').notNull().defaultNow(),
    /** Download, checksum, decryption and restore into the scratch database: the recovery time this backup gives. */
    restoreDurationMs: integer('restore_duration_ms'),
    scratchDatabase: text('scratch_database').notNull(),
    tables: jsonb('tables').$type<TableComparison[]>().notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    host: text('host').notNull(),
  },
  (table) => [
    index('backup_verifications_run_idx').on(table.runId, table.completedAt.desc()),
    check('backup_verifications_status', sql`${table.status} in ('passed', 'failed')`),
    check('backup_verifications_failed_has_error', sql`(${table.status} = 'failed') = (${table.errorCode} is not null)`),
    check('backup_verifications_duration', sql`${table.restoreDurationMs} is null or ${table.restoreDurationMs} >= 0`),
  ],
);

/**
 * One archive request of another service (archive.requested.v1), by its request id: the one table
 * archived into `archives/<database>/<table>/<request id>.cbk` and answered completed, or the
 * reason it was not. Recorded in the transaction that enqueues the answer, so a redelivered request
 * is answered from here and nothing is written twice.
 */
export const backupArchives = pgTable(
  'backup_archives',
  {
    requestId: uuid('request_id').primaryKey(),
    database: text('database').notNull(),
    tableName: text('table_name').notNull(),
    status: text('status').$type<'completed' | 'failed'>().notNull(),
    /** Rows the requester counted. */
    requestedRows: bigint('requested_rows', { mode: 'number' }).notNull(),
    /** Rows the archive holds. */
    rows: bigint('rows', { mode: 'number' }),
    /** The table's content digest, "sha256:<hex>". */
    digest: text('digest'),
    blobContainer: text('blob_container'),
    blobName: text('blob_name'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** "sha256:<hex>" of the blob, as read back. */
    checksum: text('checksum'),
    manifest: jsonb('manifest').$type<SnapshotManifest>(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    requestedAt: instant('requested_at').notNull(),
    completedAt: instant('completed_at').notNull().defaultNow(),
    host: text('host').notNull(),
  },
  (table) => [
    index('backup_archives_table_idx').on(table.database, table.tableName),
    check('backup_archives_status', sql`${table.status} in ('completed', 'failed')`),
    check(
      'backup_archives_completed_has_blob',
      sql`${table.status} <> 'completed' or (${table.rows} >= 0 and ${table.digest} ~ '^sha256:[0-9a-f]{64}$' and ${table.checksum} ~ '^sha256:[0-9a-f]{64}$' and ${table.blobName} is not null and ${table.sizeBytes} >= 0 and ${table.manifest} is not null)`,
    ),
    check('backup_archives_failed_has_error', sql`(${table.status} = 'failed') = (${table.errorCode} is not null)`),
  ],
);

export const backupSchema = { backupRuns, backupVerifications, backupArchives };
export type BackupSchema = typeof backupSchema;
export type BackupRunRow = typeof backupRuns.$inferSelect;
export type BackupVerificationRow = typeof backupVerifications.$inferSelect;
export type BackupArchiveRow = typeof backupArchives.$inferSelect;
