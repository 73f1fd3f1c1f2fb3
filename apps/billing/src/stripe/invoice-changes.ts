import { Inject, Injectable } from '@nestjs/common';
import { addToOutbox } from '@comply/messaging';
import { ACCOUNT_RECONCILER, AccountReconciler } from '../accounts/account-reconciler';
import { BillingTransaction } from '../database/billing-database';
import { AppliedStripeEvent, newestVersion, StripeObjectChanges, stripeTime } from './applied-stripe-event';
import { CustomerChanges } from './customer-changes';
import { invoiceChangeApplies } from './stripe-change-order';
import { InvoiceRow, InvoiceValues, StripeInvoicesRepository } from './stripe-invoices.repository';
import { parseStripeObject, StripeInvoice, stripeInvoice } from './stripe-objects';
import { storedOrInserted } from './stored-or-inserted';

/**
 * invoice.created / finalized / paid / payment_failed / voided / marked_uncollectible: the
 * tenant's invoices, which never move back in status. An invoice that becomes paid publishes
 * billing.invoice.paid.v1; a newer failed payment attempt billing.invoice.payment_failed.v1; any
 * change that applies goes to the account reconciler (dunning, plan) in the same transaction.
 */
@Injectable()
export class InvoiceChanges implements StripeObjectChanges {
  constructor(
    private readonly invoices: StripeInvoicesRepository,
    private readonly customers: CustomerChanges,
    @Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler,
  ) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const invoice = parseStripeObject(stripeInvoice, event.object, 'invoice');
    // Only a deleted draft has no status; what billing stored of it stays as it was.
    if (invoice.status === null) return;
    await this.customers.link(tx, invoice.customer, event.tenantId);
    const values = invoiceValues(invoice, invoice.status, event);
    const row = await storedOrInserted(
      'invoice',
      () => this.invoices.lock(tx, invoice.id),
      () => this.invoices.insert(tx, values),
    );
    const before = row.stored;
    let after: InvoiceRow;
    if (row.stored) {
      if (!invoiceChangeApplies(row.stored, { status: invoice.status, attemptCount: invoice.attempt_count, at: event.createdAt })) return;
      after = await this.invoices.update(tx, { ...values, stripeUpdatedAt: newestVersion(row.stored.stripeUpdatedAt, event.createdAt) });
    } else {
      after = row.inserted;
    }
    await this.invoices.linkPayments(tx, invoice.id, paymentIntentsOf(invoice));
    if (after.status === 'paid' && before?.status !== 'paid') await this.announcePaid(tx, event, after);
    if (event.type === 'invoice.payment_failed' && isNewAttempt(before, after, event)) await this.announcePaymentFailed(tx, event, after);
    await this.reconciler.reconcile(tx, event.tenantId, { correlationId: event.id, causationId: event.id });
  }

  private async announcePaid(tx: BillingTransaction, event: AppliedStripeEvent, invoice: InvoiceRow): Promise<void> {
    await addToOutbox(tx, {
      type: 'billing.invoice.paid.v1',
      payload: {
        ...references(invoice),
        amountPaid: invoice.amountPaid,
        currency: invoice.currency,
        periodStart: (invoice.periodStart ?? event.createdAt).toISOString(),
        periodEnd: (invoice.periodEnd ?? event.createdAt).toISOString(),
        occurredAt: (invoice.paidAt ?? event.createdAt).toISOString(),
      },
      tenantId: invoice.tenantId,
      correlationId: event.id,
      causationId: event.id,
    });
  }

  private async announcePaymentFailed(tx: BillingTransaction, event: AppliedStripeEvent, invoice: InvoiceRow): Promise<void> {
    await addToOutbox(tx, {
      type: 'billing.invoice.payment_failed.v1',
      payload: {
        ...references(invoice),
        amountDue: invoice.amountDue,
        currency: invoice.currency,
        attemptCount: Math.max(1, invoice.attemptCount),
        nextPaymentAttemptAt: invoice.nextPaymentAttemptAt?.toISOString(),
        occurredAt: event.createdAt.toISOString(),
      },
      tenantId: invoice.tenantId,
      correlationId: event.id,
      causationId: event.id,
    });
  }
}

function invoiceValues(invoice: StripeInvoice, status: NonNullable<StripeInvoice['status']>, event: AppliedStripeEvent): InvoiceValues {
  return {
    stripeInvoiceId: invoice.id,
    tenantId: event.tenantId,
    stripeCustomerId: invoice.customer,
    stripeSubscriptionId: invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null,
    number: invoice.number ?? null,
    status,
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    periodStart: stripeTime(invoice.period_start),
    periodEnd: stripeTime(invoice.period_end),
    attemptCount: invoice.attempt_count,
    nextPaymentAttemptAt: stripeTime(invoice.next_payment_attempt),
    paidAt: stripeTime(invoice.status_transitions?.paid_at),
    customerName: invoice.customer_name ?? null,
    customerEmail: invoice.customer_email ?? null,
    stripeUpdatedAt: event.createdAt,
  };
}

function references(invoice: InvoiceRow) {
  return {
    tenantId: invoice.tenantId,
    stripeCustomerId: invoice.stripeCustomerId,
    stripeInvoiceId: invoice.stripeInvoiceId,
    stripeSubscriptionId: invoice.stripeSubscriptionId ?? undefined,
  };
}

/** A failure the stored invoice did not know yet: a first one, a later attempt, or a newer event (not a re-processed one). */
function isNewAttempt(before: InvoiceRow | undefined, after: InvoiceRow, event: AppliedStripeEvent): boolean {
  if (!before) return true;
  return after.attemptCount > before.attemptCount || before.stripeUpdatedAt === null || event.createdAt > before.stripeUpdatedAt;
}

function paymentIntentsOf(invoice: StripeInvoice): string[] {
  return (invoice.payments?.data ?? []).map((entry) => entry.payment.payment_intent).filter((id): id is string => typeof id === 'string');
}
