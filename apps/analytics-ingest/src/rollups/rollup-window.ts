import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import type { AnalyticsConfig } from '../analytics-settings';
import { ANALYTICS_CLOCK, type AnalyticsClock } from './analytics-clock';
import { HourlyWindow } from './time-buckets';

/** The hourly window as of now (see HourlyWindow), from the service's settings. */
@Injectable()
export class RollupWindow {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AnalyticsConfig,
    @Inject(ANALYTICS_CLOCK) private readonly clock: AnalyticsClock,
  ) {}

  hourly(): HourlyWindow {
    return new HourlyWindow(this.clock.now(), this.config.ANALYTICS_HOURLY_RETENTION_DAYS, this.config.ANALYTICS_PARTITION_DAYS_AHEAD);
  }

  /** Keeps the rows of hours inside the window. */
  keptHours<T extends { bucket: string }>(rows: T[]): T[] {
    const window = this.hourly();
    return rows.filter((row) => window.contains(row.bucket));
  }
}
