import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BACKUP_DATABASES, type BackupDatabase } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { BackupWorkerConfig, backupInterval } from '../backup-worker-settings';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { BackupRunner } from './backup-runner';

/**
 * Each database backed up every BACKUP_INTERVAL_<DATABASE>_MS (0: never). A restart does not
 * postpone a backup: the first run is due an interval after the newest run in the catalog, and
 * not before BACKUP_START_DELAY_MS. A run another worker holds the lock for is skipped.
 */
@Injectable()
export class BackupSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly tasks = new Map<BackupDatabase, PeriodicTask>();

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: BackupCatalogRepository,
    private readonly runner: BackupRunner,
  ) {
    for (const database of BACKUP_DATABASES) {
      const intervalMs = backupInterval(config, database);
      if (intervalMs === 0) continue;
      this.tasks.set(
        database,
        new PeriodicTask({
          name: `backup of ${database}`,
          intervalMs,
          logger,
          run: async () => (await this.runner.start(database, { trigger: 'schedule' }))?.done,
        }),
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.tasks.size === 0) return;
    const lastStarts = await this.database.db.transaction((tx) => this.catalog.lastStarts(tx));
    for (const [database, task] of this.tasks) {
      const last = lastStarts.get(database)?.getTime();
      const due = last === undefined ? 0 : last + backupInterval(this.config, database) - Date.now();
      const delayMs = Math.max(due, this.config.BACKUP_START_DELAY_MS);
      task.start(delayMs);
      this.logger.info({ database, inMs: delayMs }, `next backup of ${database} in ${Math.round(delayMs / 1_000)} s`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((task) => task.stop()));
  }
}
