import { EVENT_EXAMPLES } from '../event-examples';
import type { z } from 'zod';
import {
  billingInvoicePaidV1,
  billingInvoicePaymentFailedV1,
  billingQuotaChangedV1,
  billingSubscriptionChangedV1,
} from './billing-events';

const subscriptionChanged = EVENT_EXAMPLES['billing.subscription.changed.v1'];

const invoicePaid = EVENT_EXAMPLES['billing.invoice.paid.v1'];

const paymentFailed = EVENT_EXAMPLES['billing.invoice.payment_failed.v1'];

const quotaChanged = EVENT_EXAMPLES['billing.quota.changed.v1'];

function pathsOf(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('billing events', () => {
  it.each([
    ['billing.subscription.changed.v1', billingSubscriptionChangedV1, subscriptionChanged],
    ['billing.invoice.paid.v1', billingInvoicePaidV1, invoicePaid],
    ['billing.invoice.payment_failed.v1', billingInvoicePaymentFailedV1, paymentFailed],
    ['billing.quota.changed.v1', billingQuotaChangedV1, quotaChanged],
  ] as const)('%s accepts a realistic example and requires tenantId', (_type, schema, example) => {
    expect(schema.parse(example)).toEqual(example);
    const { tenantId: _tenantId, ...withoutTenant } = example;
    expect(pathsOf(schema, withoutTenant)).toEqual([['tenantId']]);
    expect(pathsOf(schema, { ...example, unexpected: true })).toEqual([[]]);
  });

  it('rejects Stripe ids of the wrong kind', () => {
    expect(pathsOf(billingSubscriptionChangedV1, { ...subscriptionChanged, stripeCustomerId: 'sub_1MowQVLkdIwHu7ixeRlqHVzs' })).toEqual([
      ['stripeCustomerId'],
    ]);
    expect(pathsOf(billingInvoicePaidV1, { ...invoicePaid, stripeInvoiceId: 'cus_NffrFeUfNV2Hib' })).toEqual([['stripeInvoiceId']]);
  });

  it('takes amounts as whole minor units and currencies as lower-case ISO 4217', () => {
    expect(pathsOf(billingInvoicePaidV1, { ...invoicePaid, amountPaid: 499.5 })).toEqual([['amountPaid']]);
    expect(pathsOf(billingInvoicePaidV1, { ...invoicePaid, amountPaid: -1 })).toEqual([['amountPaid']]);
    expect(pathsOf(billingInvoicePaidV1, { ...invoicePaid, currency: 'USD' })).toEqual([['currency']]);
  });

  it('rejects an unknown subscription status and a bad period timestamp', () => {
    expect(pathsOf(billingSubscriptionChangedV1, { ...subscriptionChanged, status: 'cancelled' })).toEqual([['status']]);
    expect(pathsOf(billingInvoicePaidV1, { ...invoicePaid, periodEnd: '2025-06-01T00:00:00' })).toEqual([['periodEnd']]);
  });

  it('requires a whole, non-negative monthly record quota and nothing else in quota', () => {
    expect(pathsOf(billingQuotaChangedV1, { ...quotaChanged, quota: { monthlyRecords: -5 } })).toEqual([['quota', 'monthlyRecords']]);
    expect(pathsOf(billingQuotaChangedV1, { ...quotaChanged, quota: {} })).toEqual([['quota', 'monthlyRecords']]);
    expect(pathsOf(billingQuotaChangedV1, { ...quotaChanged, quota: { monthlyRecords: 10, monthlyRequests: 10 } })).toEqual([['quota']]);
  });

  it('requires at least one payment attempt on a failed payment', () => {
    expect(pathsOf(billingInvoicePaymentFailedV1, { ...paymentFailed, attemptCount: 0 })).toEqual([['attemptCount']]);
  });
});
