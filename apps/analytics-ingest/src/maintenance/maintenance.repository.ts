import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';

export interface RecomputedRollup {
  rollup: string;
  changed: number;
}

/**
 * Partition maintenance and the daily recompute, through the definer functions that may do them
 * (migrations/analytics/0006_rollups_security.sql): analytics_app owns no table. Days are "YYYY-MM-DD".
 */
@Injectable()
export class MaintenanceRepository {
  /** Creates the missing day partitions of the hourly tables from `fromDay`; returns their names. One replica at a time. */
  async ensurePartitions(tx: AnalyticsTransaction, fromDay: string, days: number): Promise<string[]> {
    await this.lock(tx, 'partitions');
    const result = await tx.execute<{ partition: string }>(sql`select analytics_ensure_hourly_partitions(${fromDay}::date, ${days}) as partition`);
    return result.rows.map((row) => row.partition);
  }

  /** Drops the day partitions of the hourly tables before `beforeDay`; returns their names. */
  async dropPartitions(tx: AnalyticsTransaction, beforeDay: string): Promise<string[]> {
    await this.lock(tx, 'partitions');
    const result = await tx.execute<{ partition: string }>(sql`select analytics_drop_hourly_partitions(${beforeDay}::date) as partition`);
    return result.rows.map((row) => row.partition);
  }

  /** Recomputes the daily rollups of [fromDay, toDay) from the hourly ones; returns the rows each needed changed. */
  async recompute(tx: AnalyticsTransaction, fromDay: string, toDay: string): Promise<RecomputedRollup[]> {
    await this.lock(tx, 'recompute');
    const result = await tx.execute<{ rollup: string; changed: string }>(sql`select rollup, changed from analytics_recompute_days(${fromDay}::date, ${toDay}::date)`);
    return result.rows.map((row) => ({ rollup: row.rollup, changed: Number(row.changed) }));
  }

  private async lock(tx: AnalyticsTransaction, what: string): Promise<void> {
    // DDL on the hourly tables waits for the batches writing them: rather give up and retry next run than queue them behind it.
    await tx.execute(sql`select set_config('lock_timeout', '5s', true)`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`analytics-ingest:${what}`}))`);
  }
}
