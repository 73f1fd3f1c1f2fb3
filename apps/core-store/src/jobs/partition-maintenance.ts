import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { CoreStoreConfig } from '../core-store-settings';
import { AdvisoryLockRepository } from './advisory-lock.repository';
import { previousMonthStart } from './partition-window';
import { StoragePartitionsRepository } from './storage-partitions.repository';

const LOCK = 'core-store:partition-maintenance';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PartitionMaintenanceResult {
  /** Another replica was at it: this run did nothing. */
  skipped: boolean;
  /** Partitions this run created, e.g. "storage_records_p202702". */
  created: string[];
}

/**
 * Keeps monthly partitions of storage_records from last month through PARTITION_MONTHS_AHEAD
 * months ahead: on start, before any traffic, and daily. Failures are logged; the months already
 * created ahead leave plenty of time for the next attempt.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: CoreStoreConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly locks: AdvisoryLockRepository,
    private readonly partitions: StoragePartitionsRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'partition maintenance', intervalMs: DAY_MS, run: () => this.runOnce(), logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'partition maintenance failed'));
    this.schedule.start(DAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
  }

  async runOnce(now = new Date()): Promise<PartitionMaintenanceResult> {
    // Last month, this month, and the months ahead.
    const months = this.config.PARTITION_MONTHS_AHEAD + 2;
    const run = await this.locks.withLock(LOCK, (tx) => this.partitions.ensure(tx, previousMonthStart(now), months));
    if (!run.acquired) return { skipped: true, created: [] };
    if (run.value.length > 0) this.logger.info({ partitions: run.value }, 'created storage_records partitions');
    return { skipped: false, created: run.value };
  }
}
