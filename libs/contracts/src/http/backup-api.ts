import { z } from 'zod';
import { BACKUP_DATABASES } from '../events/backup-events';
import { queryNumber } from './query-number';

/**
 * Bodies, query strings and responses of backup-worker's operator API (`/v1/backups`): the
 * catalog of backup runs, running one now, and restore drills.
 */

export const BACKUP_RUN_STATUSES = ['running', 'completed', 'failed', 'expired'] as const;
export const BACKUP_VERIFICATION_STATUSES = ['passed', 'failed'] as const;
/** What starts a run: its schedule, an operator over HTTP, or `npm run backup`. */
export const BACKUP_TRIGGERS = ['schedule', 'operator', 'cli'] as const;

const database = z.enum(BACKUP_DATABASES).describe('A platform database: core, billing, analytics, audit or backup.');
const instant = z.string().describe('ISO 8601 UTC.');

export const backupRunRequest = z.strictObject({ database }).describe('The database to back up now.');
export type BackupRunRequest = z.infer<typeof backupRunRequest>;

export const backupListQuery = z
  .strictObject({
    database: database.optional(),
    status: z.enum(BACKUP_RUN_STATUSES).optional().describe('Only runs in this state.'),
    limit: queryNumber(z.int().min(1).max(500)).default(50).describe('How many runs, newest first: 1 to 500.'),
  })
  .describe('Which runs to list.');
export type BackupListQuery = z.infer<typeof backupListQuery>;

export const backupRunParams = z.strictObject({ id: z.uuid().describe('Backup run id.') });
export type BackupRunParams = z.infer<typeof backupRunParams>;

export const backupRunStarted = z
  .strictObject({ id: z.uuid(), database, status: z.literal('running') })
  .describe('The run started; follow it with GET /v1/backups/{id}.');
export type BackupRunStarted = z.infer<typeof backupRunStarted>;

const tableSummary = z.strictObject({
  name: z.string().describe('Schema-qualified table name.'),
  rows: z.int().min(0),
  digest: z.string().describe('Order-independent content digest, "sha256:<hex>".'),
});

export const backupRun = z
  .strictObject({
    id: z.uuid(),
    database,
    status: z.enum(BACKUP_RUN_STATUSES),
    trigger: z.enum(BACKUP_TRIGGERS).describe('What started it.'),
    startedAt: instant,
    completedAt: instant.nullable().describe('When it completed or failed; null while running.'),
    snapshotAt: instant.nullable().describe("The snapshot's own time (source database clock)."),
    coversTransactionsBefore: instant.nullable().describe('Every transaction that started before this instant is in the backup.'),
    blob: z.strictObject({ container: z.string(), name: z.string() }).describe('Where the encrypted backup is (or was to be) stored; its manifest is `<name without .cbk>.manifest.json`.'),
    sizeBytes: z.int().min(0).nullable(),
    checksum: z.string().nullable().describe('"sha256:<hex>" of the blob as written.'),
    tables: z.array(tableSummary).nullable().describe('What the snapshot holds, from its manifest.'),
    error: z.strictObject({ code: z.string(), message: z.string() }).nullable().describe('Why it failed.'),
    host: z.string().describe('The worker that ran it.'),
    expiredAt: instant.nullable().describe('When retention expired it.'),
    lastVerification: z
      .strictObject({ id: z.uuid(), status: z.enum(BACKUP_VERIFICATION_STATUSES), completedAt: instant })
      .nullable()
      .describe('The newest restore drill of this backup.'),
  })
  .describe('One backup run.');
export type BackupRun = z.infer<typeof backupRun>;

export const backupRunList = z.strictObject({ backups: z.array(backupRun).describe('Newest first.') }).describe('Backup runs.');
export type BackupRunList = z.infer<typeof backupRunList>;

export const backupVerification = z
  .strictObject({
    id: z.uuid(),
    backupId: z.uuid(),
    status: z.enum(BACKUP_VERIFICATION_STATUSES),
    startedAt: instant,
    completedAt: instant,
    restoreDurationMs: z.int().min(0).nullable().describe('Download, checksum, decryption and restore: the recovery time this backup gives. Null when the restore did not finish.'),
    scratchDatabase: z.string().describe('The scratch database restored into, dropped afterwards.'),
    tables: z
      .array(
        z.strictObject({
          name: z.string(),
          expectedRows: z.int().min(0),
          expectedDigest: z.string(),
          actualRows: z.int().min(0).nullable(),
          actualDigest: z.string().nullable(),
          matches: z.boolean(),
        }),
      )
      .describe('Each table of the manifest against the restored copy; empty when the restore failed.'),
    error: z.strictObject({ code: z.string(), message: z.string() }).nullable().describe('Why the drill failed, e.g. ChecksumMismatch, Truncated, Tampered, DigestMismatch.'),
  })
  .describe('One restore drill.');
export type BackupVerification = z.infer<typeof backupVerification>;

export const backupVerificationList = z.strictObject({ verifications: z.array(backupVerification).describe('Newest first.') }).describe('Restore drills of one backup.');
export type BackupVerificationList = z.infer<typeof backupVerificationList>;
