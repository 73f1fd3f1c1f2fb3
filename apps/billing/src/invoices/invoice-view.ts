import type { InvoiceResponse, PaymentResponse } from '@comply/contracts';
import { InvoiceRow, PaymentRow } from './invoices.repository';

/** Rows as the tenant API answers them (contracts in libs/contracts/src/http/billing/tenant-billing-api.ts); personal fields stay out. */

export function invoiceResponseOf(row: InvoiceRow): InvoiceResponse {
  return {
    id: row.stripeInvoiceId,
    number: row.number,
    status: row.status,
    currency: row.currency,
    amountDue: row.amountDue,
    amountPaid: row.amountPaid,
    creditsApplied: row.creditsApplied,
    subscriptionId: row.stripeSubscriptionId,
    periodStart: row.periodStart?.toISOString() ?? null,
    periodEnd: row.periodEnd?.toISOString() ?? null,
    attemptCount: row.attemptCount,
    nextPaymentAttemptAt: row.nextPaymentAttemptAt?.toISOString() ?? null,
    paidAt: row.paidAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function paymentResponseOf(row: PaymentRow): PaymentResponse {
  return {
    id: row.stripePaymentId,
    invoiceId: row.stripeInvoiceId,
    status: row.status,
    amount: row.amount,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    failureCode: row.failureCode,
    disputedAt: row.disputedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
