import { createBlobStore } from '@comply/blob-storage';
import type { KeyEncryptionKey } from '@comply/crypto';
import { createServiceRuntime, type ServiceRuntime } from '@comply/service-runtime';
import { backupWorkerService } from '../backup-worker-service';
import { BackupWorkerConfig, BackupWorkerSettings } from '../backup-worker-settings';
import { BackupBlobs } from '../backups/backup-blobs';
import { BackupRunner } from '../backups/backup-runner';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { RunLocks } from '../database/run-lock';
import { openKeyEncryptionKey } from '../keys/key-encryption-key.provider';
import { BackupMetrics } from '../metrics/backup-metrics';

/** backup-worker's parts in a command-line process: the same classes the service wires, without HTTP, schedules or the bus. */
export interface CliBackupWorker {
  config: BackupWorkerConfig;
  database: CatalogDatabase;
  catalog: BackupCatalogRepository;
  blobs: BackupBlobs;
  kek: KeyEncryptionKey;
  runner: BackupRunner;
  close(): Promise<void>;
}

/**
 * From the environment, as the service reads it (its outbox rows are sent by the running
 * service's relay). Logs below warnings stay quiet unless LOG_LEVEL says otherwise: the command
 * prints its own progress.
 */
export async function openCliBackupWorker(env: NodeJS.ProcessEnv = process.env): Promise<CliBackupWorker> {
  const runtime: ServiceRuntime<BackupWorkerSettings> = createServiceRuntime({ ...backupWorkerService, messaging: false, env: { ...env, LOG_LEVEL: env.LOG_LEVEL || 'warn' } });
  try {
    const config = runtime.config;
    const database = runtime.database as CatalogDatabase;
    const store = createBlobStore(config);
    await store.ensureContainer();
    const kek = await openKeyEncryptionKey(config);
    const catalog = new BackupCatalogRepository();
    const blobs = new BackupBlobs(store);
    const metrics = new BackupMetrics(runtime.metrics, database, catalog);
    const runner = new BackupRunner(database, config, runtime.logger, kek, catalog, blobs, new RunLocks(config), metrics);
    return { config, database, catalog, blobs, kek, runner, close: () => runtime.database.close() };
  } catch (error) {
    await runtime.database.close();
    throw error;
  }
}
