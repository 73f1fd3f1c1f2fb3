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
};

export type AuditWriterSettings = typeof auditWriterSettings;
export type AuditWriterConfig = ServiceConfig<AuditWriterSettings>;
export type AuditWriterOwnConfig = ConfigOf<AuditWriterSettings>;
