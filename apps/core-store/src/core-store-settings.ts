import { ConfigOf, setting } from '@comply/config';
import { cacheSettings } from '@comply/cache';
import { cryptoSettings } from '@comply/crypto';
import { ServiceConfig } from '@comply/service-runtime';

/** What core-store reads besides the settings every service has (README: core-store configuration). */
export const coreStoreSettings = {
  ...cacheSettings,
  ...cryptoSettings,
  RECORD_CACHE_TTL_MS: setting.int({ default: 300_000, min: 1_000, doc: 'How long a record read stays cached (ciphertext only; decrypted per read).' }),
  INGEST_MAX_BODY_BYTES: setting.int({
    default: 8 * 1024 * 1024,
    min: 1024,
    doc: 'Largest request body core-store accepts (413 above); one request carries at most 500 mappings.',
  }),
  DEFAULT_RETENTION_DAYS: setting.int({ default: 365, min: 1, max: 3650, doc: 'Retention of a new tenant unless the admin API says otherwise.' }),
  RETENTION_INTERVAL_MS: setting.int({ default: 3_600_000, min: 1_000, doc: 'How often the retention job deletes expired records.' }),
  RETENTION_BATCH_SIZE: setting.int({ default: 500, min: 1, max: 10_000, doc: 'Records deleted per retention transaction.' }),
  PARTITION_MONTHS_AHEAD: setting.int({ default: 3, min: 1, max: 24, doc: 'Monthly partitions of storage_records kept created ahead of time.' }),
};

export type CoreStoreSettings = typeof coreStoreSettings;
export type CoreStoreConfig = ServiceConfig<CoreStoreSettings>;
export type CoreStoreOwnConfig = ConfigOf<CoreStoreSettings>;
