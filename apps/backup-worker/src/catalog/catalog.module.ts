import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupBlobs } from '../backups/backup-blobs';
import { RunLocks } from '../database/run-lock';
import { KEY_ENCRYPTION_KEY, keyEncryptionKeyProvider } from '../keys/key-encryption-key.provider';
import { BackupMetrics } from '../metrics/backup-metrics';
import { BackupCatalogRepository } from './backup-catalog.repository';

/** What backups, drills and retention share: the catalog, the blobs, the key, the run locks, the metrics. */
@Module({
  providers: [
    BackupCatalogRepository,
    BackupMetrics,
    BackupBlobs,
    keyEncryptionKeyProvider,
    { provide: RunLocks, inject: [SERVICE_CONFIG], useFactory: (config: BackupWorkerConfig) => new RunLocks(config) },
  ],
  exports: [BackupCatalogRepository, BackupMetrics, BackupBlobs, KEY_ENCRYPTION_KEY, RunLocks],
})
export class CatalogModule {}
