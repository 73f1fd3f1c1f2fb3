import type { BillingInvoicePaidV1, BillingInvoicePaymentFailedV1, BillingSubscriptionChangedV1 } from '@comply/contracts';
import { KeyedTally } from '../rollups/keyed-tally';
import { dayOf, hourOf } from '../rollups/time-buckets';

export interface InvoiceCounts {
  paid: number;
  paidAmount: number;
  failed: number;
  failedAmount: number;
}

export interface InvoiceRow extends InvoiceCounts {
  bucket: string;
  /** '' for a one-off invoice. */
  subscriptionId: string;
  currency: string;
}

export interface InvoiceTally {
  hourly: InvoiceRow[];
  daily: InvoiceRow[];
}

export type InvoiceEvent = { type: 'paid'; payload: BillingInvoicePaidV1 } | { type: 'failed'; payload: BillingInvoicePaymentFailedV1 };

/** Invoices paid and payments failed, in the hour and day of their own occurredAt, per subscription and currency. */
export function tallyInvoices(events: readonly InvoiceEvent[]): InvoiceTally {
  const start = (): InvoiceCounts => ({ paid: 0, paidAmount: 0, failed: 0, failedAmount: 0 });
  const tallies = { hourly: new KeyedTally(start), daily: new KeyedTally(start) };
  for (const { type, payload } of events) {
    const key = (bucket: string) => [bucket, payload.stripeSubscriptionId ?? '', payload.currency];
    for (const [granularity, bucket] of [['hourly', hourOf(payload.occurredAt)], ['daily', dayOf(payload.occurredAt)]] as const) {
      const counts = tallies[granularity].at(key(bucket));
      if (type === 'paid') {
        counts.paid += 1;
        counts.paidAmount += payload.amountPaid;
      } else {
        counts.failed += 1;
        counts.failedAmount += payload.amountDue;
      }
    }
  }
  const rows = (tally: KeyedTally<InvoiceCounts>) => tally.entries().map(([[bucket, subscriptionId, currency], counts]) => ({ bucket, subscriptionId, currency, ...counts }));
  return { hourly: rows(tallies.hourly), daily: rows(tallies.daily) };
}

export interface SubscriptionChangeRow {
  subscriptionId: string;
  occurredAt: string;
  messageId: string;
  plan: string;
  status: string;
  amount: number;
  currency: string;
  interval: 'month' | 'year';
}

export function subscriptionChangeRow(payload: BillingSubscriptionChangedV1, messageId: string): SubscriptionChangeRow {
  const { stripeSubscriptionId, occurredAt, plan, status, amount, currency, interval } = payload;
  return { subscriptionId: stripeSubscriptionId, occurredAt, messageId, plan, status, amount, currency, interval };
}
