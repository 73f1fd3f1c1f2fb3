import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { dunningSteps, invoices } from '../database/schema';
import { DunningStepKind, PlannedStep } from './dunning-calendar';

export interface FailingInvoice {
  stripeInvoiceId: string;
  /** When Stripe reported the invoice's state (the failure); null when the row does not say. */
  failedAt: Date | null;
}

/** An invoice as dunning events describe it. */
export interface DunningInvoice {
  stripeInvoiceId: string;
  /** What is still due: amount_due less amount_paid, in minor units. */
  amountDue: number;
  currency: string;
}

export interface TakenStep extends DunningInvoice {
  step: Exclude<DunningStepKind, 'recovered'>;
  sequence: number;
  /** The invoice's pending end of grace, as it stood before this step was taken. */
  graceEndsAt: Date | null;
}

export interface DunningPosition {
  /** The `restricted` step of one of the invoices was taken. */
  restricted: boolean;
  /** The earliest pending `restricted` step of the invoices. */
  graceEndsAt: Date | null;
}

const remaining = sql<number>`greatest(${invoices.amountDue} - ${invoices.amountPaid}, 0)::bigint`;

/** dunning_steps and the invoices they chase, in the tenant's transaction. */
@Injectable()
export class DunningRepository {
  /** Open invoices whose payment failed at least once, oldest first. */
  async failingInvoices(tx: BillingTransaction, tenantId: string): Promise<FailingInvoice[]> {
    return tx
      .select({ stripeInvoiceId: invoices.stripeInvoiceId, failedAt: invoices.stripeUpdatedAt })
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.status, 'open'), gt(invoices.attemptCount, 0)))
      .orderBy(asc(invoices.createdAt));
  }

  /** Adds the steps not scheduled yet (an invoice's schedule is written once); returns how many were new. */
  async schedule(tx: BillingTransaction, tenantId: string, steps: PlannedStep[]): Promise<number> {
    const result = await tx.execute(sql`insert into ${dunningSteps} (tenant_id, stripe_invoice_id, step, sequence, due_at)
      select ${tenantId}, s.invoice, s.step, s.sequence, s.due_at
        from unnest(${sql.param(steps.map((s) => s.stripeInvoiceId))}::text[], ${sql.param(steps.map((s) => s.step))}::text[],
                    ${sql.param(steps.map((s) => s.sequence))}::int[], ${sql.param(steps.map((s) => s.dueAt.toISOString()))}::timestamptz[])
          as s(invoice, step, sequence, due_at)
      on conflict (stripe_invoice_id, step, sequence) do nothing`);
    return result.rowCount ?? 0;
  }

  /** Cancels the pending steps of every invoice but `failing` ones: those were paid, voided or written off. */
  async cancelPendingExcept(tx: BillingTransaction, tenantId: string, failing: string[], now: Date): Promise<number> {
    const result = await tx.execute(sql`update ${dunningSteps} set cancelled_at = ${now.toISOString()}::timestamptz
      where tenant_id = ${tenantId} and done_at is null and cancelled_at is null
        and not (stripe_invoice_id = any(${sql.param(failing)}::text[]))`);
    return result.rowCount ?? 0;
  }

  /**
   * Records the recovery of every paid invoice that was dunned and is not recorded as recovered
   * yet, and returns those invoices: each is recovered once, however often this runs.
   */
  async recordRecoveries(tx: BillingTransaction, tenantId: string, now: Date): Promise<DunningInvoice[]> {
    const at = now.toISOString();
    const result = await tx.execute<{ stripe_invoice_id: string; amount_due: string; currency: string }>(sql`
      with recovered as (
        insert into ${dunningSteps} (tenant_id, stripe_invoice_id, step, sequence, due_at, done_at)
        select paid.tenant_id, paid.stripe_invoice_id, 'recovered', 1, ${at}::timestamptz, ${at}::timestamptz
          from ${invoices} as paid
         where paid.tenant_id = ${tenantId} and paid.status = 'paid'
           and exists (select 1 from ${dunningSteps} as dunned where dunned.stripe_invoice_id = paid.stripe_invoice_id and dunned.step <> 'recovered')
        on conflict (stripe_invoice_id, step, sequence) do nothing
        returning stripe_invoice_id)
      select ${invoices.stripeInvoiceId} as stripe_invoice_id, ${remaining} as amount_due, ${invoices.currency} as currency
        from recovered join ${invoices} on ${invoices.stripeInvoiceId} = recovered.stripe_invoice_id
       order by 1`);
    return result.rows.map((row) => ({ stripeInvoiceId: row.stripe_invoice_id, amountDue: Number(row.amount_due), currency: row.currency }));
  }

  /** Whether grace ended for one of `invoiceIds`, and when it ends next. */
  async position(tx: BillingTransaction, tenantId: string, invoiceIds: string[]): Promise<DunningPosition> {
    const result = await tx.execute<{ restricted: boolean | null; grace_ends_at: string | null }>(sql`
      select bool_or(step = 'restricted' and done_at is not null) as restricted,
             min(due_at) filter (where step = 'restricted' and done_at is null and cancelled_at is null) as grace_ends_at
        from ${dunningSteps}
       where tenant_id = ${tenantId} and stripe_invoice_id = any(${sql.param(invoiceIds)}::text[])`);
    const [row] = result.rows;
    return { restricted: row?.restricted === true, graceEndsAt: row?.grace_ends_at ? new Date(row.grace_ends_at) : null };
  }

  /**
   * Takes the steps due by `now` of invoices still failing: marks them done and returns them, in
   * due order. Rows another run holds are skipped, so no step is ever taken twice.
   */
  async takeDue(tx: BillingTransaction, tenantId: string, now: Date): Promise<TakenStep[]> {
    const at = now.toISOString();
    const result = await tx.execute<{
      stripe_invoice_id: string;
      step: TakenStep['step'];
      sequence: number;
      amount_due: string;
      currency: string;
      grace_ends_at: string | null;
    }>(sql`
      with due as (
        select scheduled.id
          from ${dunningSteps} as scheduled
          join ${invoices} as invoice on invoice.stripe_invoice_id = scheduled.stripe_invoice_id
         where scheduled.tenant_id = ${tenantId} and scheduled.done_at is null and scheduled.cancelled_at is null
           and scheduled.due_at <= ${at}::timestamptz and invoice.status = 'open' and invoice.attempt_count > 0
         for update of scheduled skip locked),
      taken as (
        update ${dunningSteps} as scheduled set done_at = ${at}::timestamptz from due where scheduled.id = due.id
        returning scheduled.stripe_invoice_id, scheduled.step, scheduled.sequence, scheduled.due_at)
      select taken.stripe_invoice_id, taken.step, taken.sequence, ${remaining} as amount_due, ${invoices.currency} as currency,
             (select min(grace.due_at) from ${dunningSteps} as grace
               where grace.stripe_invoice_id = taken.stripe_invoice_id and grace.step = 'restricted'
                 and grace.done_at is null and grace.cancelled_at is null) as grace_ends_at
        from taken join ${invoices} on ${invoices.stripeInvoiceId} = taken.stripe_invoice_id
       order by taken.due_at, taken.step, taken.sequence`);
    return result.rows.map((row) => ({
      stripeInvoiceId: row.stripe_invoice_id,
      step: row.step,
      sequence: row.sequence,
      amountDue: Number(row.amount_due),
      currency: row.currency,
      graceEndsAt: row.grace_ends_at ? new Date(row.grace_ends_at) : null,
    }));
  }

  /** Whether steps are due by `now` at all: left over after takeDue, they belong to invoices no longer failing. */
  async hasDueSteps(tx: BillingTransaction, tenantId: string, now: Date): Promise<boolean> {
    const result = await tx.execute<{ due: boolean }>(sql`select exists (
      select 1 from ${dunningSteps} where tenant_id = ${tenantId} and done_at is null and cancelled_at is null and due_at <= ${now.toISOString()}::timestamptz) as due`);
    return result.rows[0]?.due === true;
  }

  /** Tenants with dunning steps (or meter reports) due by `now`, across tenants through the definer function. */
  async tenantsWithDueWork(database: BillingDatabase, now: Date): Promise<string[]> {
    const result = await database.db.execute<{ tenant_id: string }>(sql`select tenant_id from billing_tenants_with_due_work(${now.toISOString()}::timestamptz) as tenant_id`);
    return result.rows.map((row) => row.tenant_id);
  }
}
