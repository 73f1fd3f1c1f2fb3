import { ConfigOf, serviceNamed, setting } from '@comply/config';
import { blobStorageSettings } from '@comply/blob-storage';
import { ServiceConfig } from '@comply/service-runtime';
import { checkpointSettings } from './checkpoints/checkpoint-settings';

const blobStorage = blobStorageSettings(serviceNamed('audit-writer'));

/** What audit-writer reads besides the settings every service has (README: audit-writer configuration). */
export const auditWriterSettings = {
  ...checkpointSettings,
  BLOB_CONNECTION_STRING: blobStorage.BLOB_CONNECTION_STRING,
  BLOB_ACCOUNT_URL: blobStorage.BLOB_ACCOUNT_URL,
  AUDIT_CHECKPOINT_CONTAINER: {
    ...blobStorage.BLOB_CONTAINER,
    default: 'audit-checkpoints',
    doc: 'Blob container of the signed checkpoints (`checkpoints/<log id>/<tree size>.note`, written once, never overwritten). In Azure, give it a locked time-based retention policy (see libs/blob-storage).',
  },
  AUDIT_CHECKPOINT_INTERVAL_MS: setting.int({
    default: 60_000,
    min: 100,
    doc: 'How often a checkpoint is signed and stored for every log that grew since its last one.',
  }),
  AUDIT_RETENTION_MONTHS: setting.int({
    default: 84,
    min: 12,
    max: 1200,
    doc: 'How long entries stay in the database, in months (default 7 years). Monthly partitions whose whole range is older are archived to `AUDIT_ARCHIVE_CONTAINER`, verified there, and dropped, daily. At least 12: the database refuses to drop anything younger whatever this says.',
  }),
  AUDIT_ARCHIVE_CONTAINER: {
    ...blobStorage.BLOB_CONTAINER,
    default: 'audit-archive',
    doc: 'Blob container of archived partitions (`archive/<partition>/manifest.json` and one NDJSON slice per log, written once). In Azure, give it a locked time-based retention policy at least as long as the archive must be kept.',
  },
  AUDIT_ARCHIVE_HANDOFF: setting.bool({
    default: false,
    doc: 'Also have backup-worker archive each partition (encrypted, checksummed, create-only, in its container) before it is dropped: archival sends `archive.requested.v1` and drops the partition only on a run after `archive.completed.v1` answered with its row count; a failed answer keeps it and is asked again on the next run.',
  }),
};

export type AuditWriterSettings = typeof auditWriterSettings;
export type AuditWriterConfig = ServiceConfig<AuditWriterSettings>;
export type AuditWriterOwnConfig = ConfigOf<AuditWriterSettings>;
