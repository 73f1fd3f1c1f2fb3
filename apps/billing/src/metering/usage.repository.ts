import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { usageNotices, usageRecords } from '../database/schema';
import { UsageThreshold } from './usage-thresholds';

/** The metric record.stored.v1 counts. */
export const RECORDS_METRIC = 'records';

export interface PeriodUsage {
  period: string;
  /** Records this batch added. */
  added: number;
  /** The period's total after the batch. */
  total: number;
}

export interface UsageNotice {
  period: string;
  thresholdPercent: UsageThreshold;
  used: number;
}

/** usage_records and usage_notices, in the tenant's transaction: fixed statement text over column arrays. */
@Injectable()
export class UsageRepository {
  /** Adds records to the tenant's periods (one upsert, periods in the given order) and returns each period's new total. */
  async add(tx: BillingTransaction, tenantId: string, byPeriod: Map<string, number>): Promise<PeriodUsage[]> {
    const periods = [...byPeriod.keys()];
    const result = await tx.execute<{ period: string; total: string }>(sql`insert into ${usageRecords} as counted (tenant_id, metric, period, quantity)
      select ${tenantId}, ${RECORDS_METRIC}, added.period, added.quantity
        from unnest(${sql.param(periods)}::text[], ${sql.param([...byPeriod.values()])}::bigint[]) as added(period, quantity)
      on conflict (tenant_id, metric, period) do update set quantity = counted.quantity + excluded.quantity, updated_at = now()
      returning period, quantity as total`);
    const totals = new Map(result.rows.map((row) => [row.period, Number(row.total)]));
    return periods.map((period) => ({ period, added: byPeriod.get(period) ?? 0, total: totals.get(period) ?? 0 }));
  }

  /** Records the notices not given before (each threshold once per tenant and period) and returns those. */
  async recordNotices(tx: BillingTransaction, tenantId: string, includedRecords: number, notices: UsageNotice[]): Promise<UsageNotice[]> {
    const result = await tx.execute<{ period: string; threshold_percent: UsageThreshold; used_at_notice: string }>(sql`insert into ${usageNotices}
        (tenant_id, period, threshold_percent, used_at_notice, included_at_notice)
      select ${tenantId}, notice.period, notice.threshold_percent, notice.used, ${includedRecords}
        from unnest(${sql.param(notices.map((n) => n.period))}::text[], ${sql.param(notices.map((n) => n.thresholdPercent))}::int[],
                    ${sql.param(notices.map((n) => n.used))}::bigint[]) as notice(period, threshold_percent, used)
      on conflict (tenant_id, period, threshold_percent) do nothing
      returning period, threshold_percent, used_at_notice`);
    return result.rows.map((row) => ({ period: row.period, thresholdPercent: row.threshold_percent, used: Number(row.used_at_notice) }));
  }
}
