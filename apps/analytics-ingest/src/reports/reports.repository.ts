import { Inject, Injectable } from '@nestjs/common';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { sql, type SQL } from 'drizzle-orm';
import type { AnalyticsDatabase, AnalyticsTransaction } from '../database/analytics-database';
import {
  backupRollupsDaily,
  dimensionRollupsDaily,
  dimensionRollupsHourly,
  invoiceRollupsDaily,
  invoiceRollupsHourly,
  recordRollupsDaily,
  recordRollupsHourly,
  subscriptionChanges,
  type RecordDimension,
} from '../database/schema';
import type { ReportPeriod } from './report-period';

/** Whose rows a report reads: one tenant's, or (null) the whole fleet's. */
export type ReportScope = { tenantId: string } | null;

/** The row-level security context of fleet reports: reads every tenant's rows, writes none (migrations/analytics/0006). */
export const FLEET_CONTEXT = '_fleet';

export interface RecordSeriesRow {
  bucket: string;
  stored: number;
  deleted: number;
  confidence: number[];
  latency: number[];
}

export interface InvoiceSeriesRow {
  bucket: string;
  paid: number;
  failed: number;
  revenue: number;
}

export interface BackupRow {
  database: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  failuresInRange: number;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * The reports' reads over the rollups, each in one transaction in the scope's context (a tenant,
 * or the fleet). Hourly tables serve granularity "hour", daily ones "day" and "month" (months are
 * summed from days here).
 */
@Injectable()
export class ReportsRepository {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: AnalyticsDatabase) {}

  read<T>(scope: ReportScope, work: (tx: AnalyticsTransaction) => Promise<T>): Promise<T> {
    return withTenant(this.database.db, scope?.tenantId ?? FLEET_CONTEXT, work);
  }

  async recordSeries(tx: AnalyticsTransaction, scope: ReportScope, period: ReportPeriod): Promise<RecordSeriesRow[]> {
    const table = period.granularity === 'hour' ? recordRollupsHourly : recordRollupsDaily;
    const result = await tx.execute<{ bucket: Date | string; stored: string; deleted: string; confidence: string[]; latency: string[] }>(sql`
      select date_trunc(${unit(period)}, bucket, 'UTC') as bucket, sum(stored) as stored, sum(deleted) as deleted,
             analytics_sum_counts(confidence) as confidence, analytics_sum_counts(latency) as latency
        from ${table} where ${within(period, scope)} group by 1 order by 1`);
    return result.rows.map((row) => ({
      bucket: new Date(row.bucket).toISOString(),
      stored: Number(row.stored),
      deleted: Number(row.deleted),
      confidence: row.confidence.map(Number),
      latency: row.latency.map(Number),
    }));
  }

  /** Records stored per key of a dimension over the period, most first, then by key. */
  async dimensionTotals(
    tx: AnalyticsTransaction,
    scope: ReportScope,
    period: ReportPeriod,
    dimension: RecordDimension,
    options: { limit: number; keys?: string[] },
  ): Promise<{ key: string; stored: number }[]> {
    const table = period.granularity === 'hour' ? dimensionRollupsHourly : dimensionRollupsDaily;
    const keys = options.keys ? sql`and key = any(${sql.param(options.keys)}::text[])` : sql``;
    const result = await tx.execute<{ key: string; stored: string }>(sql`
      select key, sum(stored) as stored from ${table}
       where ${within(period, scope)} and dimension = ${dimension} ${keys}
       group by key order by sum(stored) desc, key limit ${options.limit}`);
    return result.rows.map((row) => ({ key: row.key, stored: Number(row.stored) }));
  }

  /** Revenue per currency in the period, most first. */
  async currencies(tx: AnalyticsTransaction, scope: ReportScope, period: ReportPeriod): Promise<string[]> {
    const result = await tx.execute<{ currency: string }>(sql`
      select currency from (
        select currency, sum(paid_amount) as revenue from ${invoiceRollupsDaily} where ${within(period, scope)} group by currency
        union all
        select currency, 0 from ${subscriptionChanges} where ${tenantFilter(scope)} group by currency
      ) amounts group by currency order by sum(revenue) desc, currency`);
    return result.rows.map((row) => row.currency);
  }

  async invoiceSeries(tx: AnalyticsTransaction, scope: ReportScope, period: ReportPeriod, currency: string): Promise<InvoiceSeriesRow[]> {
    const table = period.granularity === 'hour' ? invoiceRollupsHourly : invoiceRollupsDaily;
    const result = await tx.execute<{ bucket: Date | string; paid: string; failed: string; revenue: string }>(sql`
      select date_trunc(${unit(period)}, bucket, 'UTC') as bucket, sum(paid) as paid, sum(failed) as failed, sum(paid_amount) as revenue
        from ${table} where ${within(period, scope)} and currency = ${currency} group by 1 order by 1`);
    return result.rows.map((row) => ({ bucket: new Date(row.bucket).toISOString(), paid: Number(row.paid), failed: Number(row.failed), revenue: Number(row.revenue) }));
  }

  /**
   * Revenue per plan: an invoice counts for its subscription's plan at the end of its bucket (the
   * first known plan if the subscription's changes all came later), "one-off" without a
   * subscription, "unknown" when no change of it arrived.
   */
  async revenueByPlan(tx: AnalyticsTransaction, scope: ReportScope, period: ReportPeriod, currency: string): Promise<{ plan: string; amount: number }[]> {
    const hourly = period.granularity === 'hour';
    const table = hourly ? invoiceRollupsHourly : invoiceRollupsDaily;
    const width = hourly ? sql`interval '1 hour'` : sql`interval '1 day'`;
    const result = await tx.execute<{ plan: string; amount: string }>(sql`
      select coalesce(p.plan, case when i.subscription_id = '' then 'one-off' else 'unknown' end) as plan, sum(i.paid_amount) as amount
        from ${table} i
        left join lateral (
          select c.plan from ${subscriptionChanges} c
           where c.tenant_id = i.tenant_id and c.subscription_id = i.subscription_id
           order by (c.occurred_at < i.bucket + ${width}) desc,
                    case when c.occurred_at < i.bucket + ${width} then c.occurred_at end desc nulls last, c.occurred_at, c.message_id desc
           limit 1
        ) p on true
       where ${within(period, scope, sql`i.`)} and i.currency = ${currency} and i.paid > 0
       group by 1 order by 2 desc, 1`);
    return result.rows.map((row) => ({ plan: row.plan, amount: Number(row.amount) }));
  }

  /** MRR at `at`: each subscription's latest change before it, if active, trialing or past due; yearly prices divided by 12. */
  async mrr(tx: AnalyticsTransaction, scope: ReportScope, at: Date, currency: string): Promise<number> {
    const result = await tx.execute<{ mrr: string | null }>(sql`
      select round(sum(case interval when 'year' then amount / 12.0 else amount end)) as mrr from (
        select distinct on (tenant_id, subscription_id) amount, interval, status, currency
          from ${subscriptionChanges} where ${tenantFilter(scope)} and occurred_at < ${at.toISOString()}::timestamptz
         order by tenant_id, subscription_id, occurred_at desc, message_id desc
      ) latest where status in ('active', 'trialing', 'past_due') and currency = ${currency}`);
    return Number(result.rows[0]?.mrr ?? 0);
  }

  /** Per database: the latest success and failure before the period's end, and failures within it. */
  async backups(tx: AnalyticsTransaction, tenantId: string, period: ReportPeriod): Promise<BackupRow[]> {
    const result = await tx.execute<{ database: string; last_success_at: Date | null; last_failure_at: Date | null; failures: string }>(sql`
      select database, max(last_completed_at) as last_success_at, max(last_failed_at) as last_failure_at,
             coalesce(sum(failed) filter (where bucket >= ${period.from.toISOString()}::timestamptz), 0) as failures
        from ${backupRollupsDaily} where tenant_id = ${tenantId} and bucket < ${period.to.toISOString()}::timestamptz
       group by database order by database`);
    return result.rows.map((row) => ({
      database: row.database,
      lastSuccessAt: iso(row.last_success_at),
      lastFailureAt: iso(row.last_failure_at),
      failuresInRange: Number(row.failures),
    }));
  }
}

function unit(period: ReportPeriod): string {
  return period.granularity;
}

function tenantFilter(scope: ReportScope, alias: SQL = sql``): SQL {
  return scope ? sql`${alias}tenant_id = ${scope.tenantId}` : sql`true`;
}

function within(period: ReportPeriod, scope: ReportScope, alias: SQL = sql``): SQL {
  return sql`${tenantFilter(scope, alias)} and ${alias}bucket >= ${period.from.toISOString()}::timestamptz and ${alias}bucket < ${period.to.toISOString()}::timestamptz`;
}
