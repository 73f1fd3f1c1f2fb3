import type { z } from 'zod';
import {
  billingInvoicePaidV1,
  billingInvoicePaymentFailedV1,
  billingQuotaChangedV1,
  billingSubscriptionChangedV1,
  type BillingInvoicePaidV1,
  type BillingInvoicePaymentFailedV1,
  type BillingQuotaChangedV1,
  type BillingSubscriptionChangedV1,
} from './billing-events';

const subscriptionChanged: BillingSubscriptionChangedV1 = {
  tenantId: 'tenant-123',
  stripeCustomerId: 'cus_NffrFeUfNV2Hib',
  stripeSubscriptionId: 'sub_1MowQVLkdIwHu7ixeRlqHVzs',
  plan: 'pro',
  status: 'active',
  amount: 49_900,
  currency: 'usd',
  interval: 'month',
  currentPeriodEnd: '2025-07-01T00:00:00Z',
  cancelAtPeriodEnd: false,
  occurredAt: '2025-06-01T09:15:00Z',
};

const invoicePaid: BillingInvoicePaidV1 = {
  tenantId: 'tenant-123',
  stripeCustomerId: 'cus_NffrFeUfNV2Hib',
  stripeInvoiceId: 'in_1MtHbELkdIwHu7ixl4OzzPMv',
  stripeSubscriptionId: 'sub_1MowQVLkdIwHu7ixeRlqHVzs',
  amountPaid: 49_900,
  currency: 'usd',
  periodStart: '2025-05-01T00:00:00Z',
  periodEnd: '2025-06-01T00:00:00Z',
  occurredAt: '2025-06-01T09:15:00Z',
};

const paymentFailed: BillingInvoicePaymentFailedV1 = {
  tenantId: 'tenant-123',
  stripeCustomerId: 'cus_NffrFeUfNV2Hib',
  stripeInvoiceId: 'in_1MtHbELkdIwHu7ixl4OzzPMv',
  amountDue: 49_900,
  currency: 'eur',
  attemptCount: 2,
  nextPaymentAttemptAt: '2025-06-04T09:15:00Z',
  failureReason: 'card_declined',
  occurredAt: '2025-06-01T09:15:00Z',
};

const quotaChanged: BillingQuotaChangedV1 = {
  tenantId: 'tenant-123',
  plan: 'pro',
  quota: { monthlyRecords: 1_000_000 },
  occurredAt: '2025-06-01T09:15:01Z',
};

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
