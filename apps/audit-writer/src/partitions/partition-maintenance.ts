import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, PeriodicTask } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { AuditPartitionsRepository } from './audit-partitions.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** This month and the next: entries are recorded at the database's clock, never in a past month. */
const MONTHS = 2;

/** The first day of `now`'s UTC month, "YYYY-MM-DD". */
export function monthStart(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/**
 * Keeps audit_log partitioned ahead: this month and the next, on start (before traffic) and daily.
 * Failures are logged; a month ahead leaves weeks for the next attempt.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly partitions: AuditPartitionsRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'audit partition maintenance', intervalMs: DAY_MS, run: () => this.runOnce(), logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'audit partition maintenance failed'));
    this.schedule.start(DAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
  }

  /** Returns the partitions it created, e.g. "audit_log_p202707". */
  async runOnce(now = new Date()): Promise<string[]> {
    const created = await this.database.db.transaction((tx) => this.partitions.ensure(tx, monthStart(now), MONTHS));
    if (created.length > 0) this.logger.info({ partitions: created }, 'created audit_log partitions');
    return created;
  }
}
