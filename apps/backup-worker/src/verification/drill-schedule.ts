import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { RestoreDrill } from './restore-drill';

/** Every BACKUP_VERIFY_INTERVAL_MS (0: never), the newest completed backup of each database that no drill has restored yet is restored. */
@Injectable()
export class DrillSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask | undefined;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly catalog: BackupCatalogRepository,
    private readonly drill: RestoreDrill,
  ) {
    if (config.BACKUP_VERIFY_INTERVAL_MS > 0) {
      this.task = new PeriodicTask({ name: 'restore drill', intervalMs: config.BACKUP_VERIFY_INTERVAL_MS, logger, run: () => this.run() });
    }
  }

  /** One drill per database whose newest backup is unverified, one after the other. */
  async run(): Promise<number> {
    const due = await this.database.db.transaction((tx) => this.catalog.awaitingVerification(tx));
    for (const run of due) await this.drill.verify(run);
    return due.length;
  }

  onApplicationBootstrap(): void {
    this.task?.start(this.config.BACKUP_START_DELAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
  }
}
