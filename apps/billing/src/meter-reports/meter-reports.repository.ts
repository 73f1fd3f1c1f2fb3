import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { customers, meterReports } from '../database/schema';

export interface NewMeterReport {
  period: string;
  slice: number;
  quantity: number;
}

export interface DueMeterReport {
  id: string;
  period: string;
  quantity: number;
  identifier: string;
  attempts: number;
  /** The tenant's Stripe customer; null when it has none (any more). */
  stripeCustomerId: string | null;
}

/** The idempotency identifier of a meter event: one per tenant, period and slice. */
export function meterReportIdentifier(tenantId: string, period: string, slice: number): string {
  return `${tenantId}:${period}:${slice}`;
}

/** meter_reports, in the tenant's transaction. */
@Injectable()
export class MeterReportsRepository {
  async hasStripeCustomer(tx: BillingTransaction, tenantId: string): Promise<boolean> {
    const result = await tx.execute<{ found: boolean }>(
      sql`select exists (select 1 from ${customers} where tenant_id = ${tenantId} and deleted_at is null) as found`,
    );
    return result.rows[0]?.found === true;
  }

  /** Pending reports due from `availableAt`, one statement; a slice already written (a redelivered batch cannot write one, but a replay could) is kept as it was. */
  async add(tx: BillingTransaction, tenantId: string, reports: NewMeterReport[], availableAt: Date): Promise<void> {
    await tx.execute(sql`insert into ${meterReports} (tenant_id, period, slice, quantity, identifier, available_at)
      select ${tenantId}, report.period, report.slice, report.quantity, report.identifier, ${availableAt.toISOString()}::timestamptz
        from unnest(${sql.param(reports.map((r) => r.period))}::text[], ${sql.param(reports.map((r) => r.slice))}::int[],
                    ${sql.param(reports.map((r) => r.quantity))}::bigint[],
                    ${sql.param(reports.map((r) => meterReportIdentifier(tenantId, r.period, r.slice)))}::text[])
          as report(period, slice, quantity, identifier)
      on conflict (identifier) do nothing`);
  }

  /** Pending reports due by `now`, oldest first, locked until the transaction ends; rows another run holds are skipped. */
  async takeDue(tx: BillingTransaction, tenantId: string, now: Date, limit: number): Promise<DueMeterReport[]> {
    const result = await tx.execute<{ id: string; period: string; quantity: string; identifier: string; attempts: number; stripe_customer_id: string | null }>(sql`
      select report.id, report.period, report.quantity, report.identifier, report.attempts,
             (select customer.stripe_customer_id from ${customers} as customer
               where customer.tenant_id = report.tenant_id and customer.deleted_at is null
               order by customer.created_at desc limit 1) as stripe_customer_id
        from ${meterReports} as report
       where report.tenant_id = ${tenantId} and report.status = 'pending' and report.available_at <= ${now.toISOString()}::timestamptz
       order by report.available_at, report.period, report.slice
       limit ${limit}
       for update of report skip locked`);
    return result.rows.map((row) => ({
      id: row.id,
      period: row.period,
      quantity: Number(row.quantity),
      identifier: row.identifier,
      attempts: row.attempts,
      stripeCustomerId: row.stripe_customer_id,
    }));
  }

  async markSent(tx: BillingTransaction, id: string, now: Date): Promise<void> {
    await tx
      .update(meterReports)
      .set({ status: 'sent', attempts: sql`${meterReports.attempts} + 1`, sentAt: now, lastError: null })
      .where(eq(meterReports.id, id));
  }

  /** Counts the failed attempt and either leaves the report pending until `retryAt`, or, without one, marks it failed. */
  async markFailedAttempt(tx: BillingTransaction, id: string, error: string, retryAt: Date | undefined): Promise<void> {
    await tx
      .update(meterReports)
      .set({ attempts: sql`${meterReports.attempts} + 1`, lastError: error, ...(retryAt ? { availableAt: retryAt } : { status: 'failed' as const }) })
      .where(eq(meterReports.id, id));
  }

  /** Tenants with meter reports (or dunning steps) due by `now`, across tenants through the definer function. */
  async tenantsWithDueWork(database: BillingDatabase, now: Date): Promise<string[]> {
    const result = await database.db.execute<{ tenant_id: string }>(sql`select tenant_id from billing_tenants_with_due_work(${now.toISOString()}::timestamptz) as tenant_id`);
    return result.rows.map((row) => row.tenant_id);
  }
}
