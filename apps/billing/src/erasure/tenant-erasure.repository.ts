import { Injectable } from '@nestjs/common';
import type { HandlerTransaction } from '@comply/messaging';
import type { TenantErasure } from '@comply/tenant-directory';
import { sql, type SQL } from 'drizzle-orm';

/**
 * billing's part of erasing a tenant, run in the transaction that applies tenant.erased.v1.
 * Invoices, payments and subscriptions are the accounting record and stay for their legal
 * retention, with the personal fields Stripe gave them removed; what identifies a person or only
 * served the service (card details, usage counters, unsent usage reports, webhook payloads, the
 * dunning schedule) goes. Idempotent: a second run finds nothing left to remove.
 */
@Injectable()
export class TenantErasureRepository implements TenantErasure {
  async erase(tx: HandlerTransaction, tenantId: string): Promise<Record<string, unknown>> {
    const count = async (statement: SQL) => (await tx.execute(statement)).rowCount ?? 0;
    return {
      customersAnonymised: await count(sql`update customers set email = null, name = null
        where tenant_id = ${tenantId} and (email is not null or name is not null)`),
      invoicesAnonymised: await count(sql`update invoices set customer_name = null, customer_email = null
        where tenant_id = ${tenantId} and (customer_name is not null or customer_email is not null)`),
      paymentMethodsDeleted: await count(sql`delete from payment_methods where tenant_id = ${tenantId}`),
      usageRecordsDeleted: await count(sql`delete from usage_records where tenant_id = ${tenantId}`),
      usageNoticesDeleted: await count(sql`delete from usage_notices where tenant_id = ${tenantId}`),
      meterReportsDeleted: await count(sql`delete from meter_reports where tenant_id = ${tenantId} and status <> 'sent'`),
      dunningStepsCancelled: await count(sql`update dunning_steps set cancelled_at = now()
        where tenant_id = ${tenantId} and done_at is null and cancelled_at is null`),
      // Stripe's payloads carry names, e-mail addresses and card details; the event's id, type and outcome stay.
      stripePayloadsRemoved: await count(sql`update stripe_events set payload = '{}'::jsonb
        where tenant_id = ${tenantId} and payload <> '{}'::jsonb`),
      accountClosed: (await count(sql`update tenant_accounts set status = 'canceled', grace_ends_at = null, updated_at = now()
        where tenant_id = ${tenantId} and status <> 'canceled'`)) > 0,
      kept: ['invoices', 'payments', 'subscriptions', 'promotional_code_redemptions', 'engagements', 'training_sessions', 'sla_commitments', 'sla_measurements'],
    };
  }
}
