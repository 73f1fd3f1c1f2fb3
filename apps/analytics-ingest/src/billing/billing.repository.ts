import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { invoiceRollupsDaily, invoiceRollupsHourly, subscriptionChanges } from '../database/schema';
import type { InvoiceRow, InvoiceTally, SubscriptionChangeRow } from './billing-tally';

type InvoiceTable = typeof invoiceRollupsHourly | typeof invoiceRollupsDaily;

/** Billing rollups and subscription history, in the tenant's transaction: fixed statement text over JSON rows. */
@Injectable()
export class BillingRepository {
  async addInvoices(tx: AnalyticsTransaction, tenantId: string, tally: InvoiceTally): Promise<void> {
    await this.add(tx, invoiceRollupsHourly, tenantId, tally.hourly);
    await this.add(tx, invoiceRollupsDaily, tenantId, tally.daily);
  }

  /** Keeps each change once; the state at an instant is the latest change up to it, whatever the arrival order. */
  async addSubscriptionChanges(tx: AnalyticsTransaction, tenantId: string, rows: SubscriptionChangeRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`insert into ${subscriptionChanges} (tenant_id, subscription_id, occurred_at, message_id, plan, status, amount, currency, interval)
      select ${tenantId}, t.subscription_id, t.occurred_at, t.message_id, t.plan, t.status, t.amount, t.currency, t.interval
        from jsonb_to_recordset(${JSON.stringify(rows.map(snakeCase))}::jsonb)
          as t(subscription_id text, occurred_at timestamptz, message_id text, plan text, status text, amount bigint, currency text, interval text)
      on conflict do nothing`);
  }

  private async add(tx: AnalyticsTransaction, table: InvoiceTable, tenantId: string, rows: InvoiceRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`insert into ${table} as r (tenant_id, bucket, subscription_id, currency, paid, paid_amount, failed, failed_amount)
      select ${tenantId}, t.bucket, t.subscription_id, t.currency, t.paid, t.paid_amount, t.failed, t.failed_amount
        from jsonb_to_recordset(${JSON.stringify(rows.map(snakeCase))}::jsonb)
          as t(bucket timestamptz, subscription_id text, currency text, paid bigint, paid_amount bigint, failed bigint, failed_amount bigint)
      on conflict (tenant_id, bucket, subscription_id, currency) do update set
        paid = r.paid + excluded.paid,
        paid_amount = r.paid_amount + excluded.paid_amount,
        failed = r.failed + excluded.failed,
        failed_amount = r.failed_amount + excluded.failed_amount`);
  }
}

function snakeCase(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), value]));
}
