import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import type { AnalyticsConfig } from '../analytics-settings';
import type { AnalyticsDatabase } from '../database/analytics-database';
import { ANALYTICS_CLOCK, type AnalyticsClock } from '../rollups/analytics-clock';
import { DAY_MS, dayOf, HourlyWindow } from '../rollups/time-buckets';
import { MaintenanceRepository, RecomputedRollup } from './maintenance.repository';

export interface MaintenanceRun {
  created: string[];
  dropped: string[];
  /** The closed days recomputed, [from, to). */
  recomputed: { from: string; to: string; rollups: RecomputedRollup[] } | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Keeps the hourly tables partitioned over the hourly window (HourlyWindow: retention behind,
 * ANALYTICS_PARTITION_DAYS_AHEAD ahead), drops what fell out of it, and recomputes the last
 * ANALYTICS_RECOMPUTE_DAYS closed days from the hourly rollups: on start (before traffic) and every
 * ANALYTICS_MAINTENANCE_INTERVAL_MS. Each step is its own transaction; a failure is logged and the
 * next run tries again.
 */
@Injectable()
export class RollupMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AnalyticsDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: AnalyticsConfig,
    @Inject(ANALYTICS_CLOCK) private readonly clock: AnalyticsClock,
    private readonly repository: MaintenanceRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'analytics rollup maintenance', intervalMs: config.ANALYTICS_MAINTENANCE_INTERVAL_MS, run: () => this.runOnce(), logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'analytics rollup maintenance failed'));
    this.schedule.start(this.config.ANALYTICS_MAINTENANCE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
  }

  async runOnce(): Promise<MaintenanceRun> {
    const { ANALYTICS_HOURLY_RETENTION_DAYS: retention, ANALYTICS_PARTITION_DAYS_AHEAD: ahead } = this.config;
    const window = new HourlyWindow(this.clock.now(), retention, ahead);
    const db = this.database.db;
    const created = await db.transaction((tx) => this.repository.ensurePartitions(tx, day(window.fromMs), Math.round((window.toMs - window.fromMs) / DAY_MS)));
    const dropped = await db.transaction((tx) => this.repository.dropPartitions(tx, day(window.fromMs)));
    if (created.length > 0 || dropped.length > 0) this.logger.info({ created: created.length, dropped }, 'hourly rollup partitions maintained');
    const recomputed = await this.recomputeClosedDays(window);
    return { created, dropped, recomputed };
  }

  /**
   * Closed days whose hours are all retained. Repeatable read: a batch that changes one of those
   * rollups meanwhile makes the recompute fail (and retry next run) instead of being overwritten.
   */
  private async recomputeClosedDays(window: HourlyWindow): Promise<MaintenanceRun['recomputed']> {
    const today = Date.parse(dayOf(this.clock.now()));
    const fromMs = Math.max(window.fromMs, today - this.config.ANALYTICS_RECOMPUTE_DAYS * DAY_MS);
    if (fromMs >= today) return null;
    const [from, to] = [day(fromMs), day(today)];
    const rollups = await this.database.db.transaction((tx) => this.repository.recompute(tx, from, to), { isolationLevel: 'repeatable read' });
    const changed = rollups.filter((rollup) => rollup.changed > 0);
    if (changed.length > 0) this.logger.warn({ from, to, changed }, 'daily rollups differed from the hourly ones and were recomputed');
    return { from, to, rollups };
  }
}
