import { z } from 'zod';
import { boundedText, tenantId, timestamp } from './shared-fields';

/** The platform's databases, one per service; every one is backed up. */
export const BACKUP_DATABASES = ['core', 'billing', 'analytics', 'audit', 'backup'] as const;
export type BackupDatabase = (typeof BACKUP_DATABASES)[number];

const backupId = boundedText(200).describe('Identifier backup-worker gave the backup run.');
const database = z.enum(BACKUP_DATABASES).describe('The database backed up.');
const backupTenantId = tenantId.optional().describe('Tenant whose data was backed up; absent for a whole-database backup.');
const startedAt = timestamp.describe('When the backup run started: ISO 8601 with offset.');

export const backupCompletedV1 = z
  .strictObject({
    backupId,
    database,
    tenantId: backupTenantId,
    blob: z
      .strictObject({
        container: boundedText(63).describe('Blob container (immutable storage) holding the backup.'),
        name: boundedText(1024).describe('Blob name within the container.'),
      })
      .describe('Where the backup is stored.'),
    startedAt,
    completedAt: timestamp.describe('When the backup blob was written and verified: ISO 8601 with offset.'),
    sizeBytes: z.int().nonnegative().describe('Size of the backup blob in bytes.'),
    checksum: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .describe('Checksum of the backup blob as "sha256:<64 lower-case hex digits>"; restore verifies it.'),
  })
  .describe('backup.completed.v1: a backup was written to blob storage. Topic backup-events.');
export type BackupCompletedV1 = z.infer<typeof backupCompletedV1>;

export const backupFailedV1 = z
  .strictObject({
    backupId,
    database,
    tenantId: backupTenantId,
    error: z
      .strictObject({
        code: boundedText(100).describe('Machine-readable error code, e.g. "BlobWriteFailed", "DumpFailed".'),
        message: boundedText(2000).describe('Human-readable error message. Never credentials or record content.'),
      })
      .describe('Why the backup failed.'),
    startedAt,
    failedAt: timestamp.describe('When the backup run gave up: ISO 8601 with offset.'),
  })
  .describe('backup.failed.v1: a backup run failed. Topic backup-events.');
export type BackupFailedV1 = z.infer<typeof backupFailedV1>;
