import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { BackupDatabase } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { BackupBlobs } from '../backups/backup-blobs';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { BackupRunRow } from '../database/schema';
import { BackupMetrics } from '../metrics/backup-metrics';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Backups started before this are past both their retention and their immutability window. */
export function expiryCutoff(now: Date, config: Pick<BackupWorkerConfig, 'BACKUP_RETENTION_DAYS' | 'BACKUP_IMMUTABILITY_DAYS'>): Date {
  return new Date(now.getTime() - Math.max(config.BACKUP_RETENTION_DAYS, config.BACKUP_IMMUTABILITY_DAYS) * DAY_MS);
}

/**
 * Daily: completed backups older than BACKUP_RETENTION_DAYS (and never inside the immutability
 * window) have their blob and manifest deleted and are then marked `expired`, except each
 * database's newest completed backup and its newest backup that passed a drill. Deleting first
 * means a crash in between leaves a `completed` run whose blob is gone, which the next pass
 * expires; never an `expired` run whose blob is still stored. The catalog rows stay as evidence.
 */
@Injectable()
export class BackupRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: BackupCatalogRepository,
    private readonly blobs: BackupBlobs,
    private readonly metrics: BackupMetrics,
  ) {
    this.task = new PeriodicTask({ name: 'backup retention', intervalMs: DAY_MS, logger, run: () => this.run() });
  }

  async run(now = new Date()): Promise<BackupRunRow[]> {
    const cutoff = expiryCutoff(now, this.config);
    const expirable = await this.database.db.transaction((tx) => this.catalog.expirable(tx, cutoff));
    const expired: BackupRunRow[] = [];
    for (const run of expirable) {
      try {
        await this.blobs.remove(run.blobName);
      } catch (error) {
        // In Azure the immutability policy refuses a blob still inside its window: the next pass retries.
        this.logger.warn({ database: run.database, backupId: run.id, blob: run.blobName, err: error }, `backup ${run.id} of ${run.database} is past retention but its blob could not be deleted`);
        continue;
      }
      const row = await this.database.db.transaction((tx) => this.catalog.expire(tx, run.id));
      if (!row) continue;
      expired.push(row);
      this.metrics.expiredOne(row.database as BackupDatabase);
      this.logger.info({ database: row.database, backupId: row.id, blob: row.blobName, startedAt: row.startedAt }, `backup ${row.id} of ${row.database} expired; its blob was deleted`);
    }
    return expired;
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.BACKUP_START_DELAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
