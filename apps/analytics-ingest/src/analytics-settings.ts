import { ConfigOf, setting } from '@comply/config';
import { ServiceConfig } from '@comply/service-runtime';

/** What analytics-ingest reads besides the settings every service has (README: configuration). */
export const analyticsSettings = {
  ANALYTICS_HOURLY_RETENTION_DAYS: setting.int({
    default: 35,
    min: 2,
    max: 400,
    doc: 'Days of hourly rollups kept (whole UTC days, today included); older day partitions are dropped. Daily rollups are kept.',
  }),
  ANALYTICS_PARTITION_DAYS_AHEAD: setting.int({
    default: 7,
    min: 1,
    max: 60,
    doc: 'Days of hourly partitions created ahead of the clock. An event timed further ahead counts in the daily rollups only.',
  }),
  ANALYTICS_MAINTENANCE_INTERVAL_MS: setting.int({
    default: 3_600_000,
    min: 1_000,
    doc: 'How often partitions are created ahead and dropped past retention, and closed days are recomputed from the hourly rollups.',
  }),
  ANALYTICS_RECOMPUTE_DAYS: setting.int({
    default: 3,
    min: 1,
    max: 400,
    doc: 'How many closed days (before today, UTC) each maintenance run recomputes from the hourly rollups; capped by the hourly retention.',
  }),
};

export type AnalyticsSettings = typeof analyticsSettings;
export type AnalyticsConfig = ServiceConfig<AnalyticsSettings>;
export type AnalyticsOwnConfig = ConfigOf<AnalyticsSettings>;
