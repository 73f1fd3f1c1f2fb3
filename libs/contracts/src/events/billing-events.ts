import { z } from 'zod';
import { boundedText, nonNegativeInt32, tenantId, timestamp } from './shared-fields';

/** Stripe ids keep their prefix, so an id of the wrong kind (an invoice id where a customer id belongs) fails validation. */
function stripeId(prefix: string, kind: string) {
  return z
    .string()
    .max(255)
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9]+$`))
    .describe(`Stripe ${kind} id, e.g. "${prefix}_NffrFeUfNV2Hib".`);
}

const stripeCustomerId = stripeId('cus', 'customer');
const stripeSubscriptionId = stripeId('sub', 'subscription');
const stripeInvoiceId = stripeId('in', 'invoice');

const plan = z
  .string()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .describe('Plan code, e.g. "starter", "pro", "enterprise".');
const amountMinor = z.int().nonnegative();
const currency = z
  .string()
  .regex(/^[a-z]{3}$/)
  .describe('ISO 4217 currency code in lower case, as Stripe sends it, e.g. "usd".');
const occurredAt = timestamp.describe('When the change happened at Stripe (the webhook event time): ISO 8601 with offset.');

/** Stripe's subscription statuses. */
export const SUBSCRIPTION_STATUSES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const billingSubscriptionChangedV1 = z
  .strictObject({
    tenantId,
    stripeCustomerId,
    stripeSubscriptionId,
    plan,
    status: z.enum(SUBSCRIPTION_STATUSES).describe('Stripe subscription status after the change.'),
    amount: amountMinor.describe('Recurring price per billing interval, in minor units of currency (cents for "usd").'),
    currency,
    interval: z.enum(['month', 'year']).describe('Billing interval of the recurring price.'),
    currentPeriodEnd: timestamp.optional().describe('End of the current billing period: ISO 8601 with offset; absent when the subscription has none.'),
    cancelAtPeriodEnd: z.boolean().describe('Whether the subscription ends at currentPeriodEnd.'),
    occurredAt,
  })
  .describe('billing.subscription.changed.v1: a tenant subscription was created, changed or ended. Topic billing-events.');
export type BillingSubscriptionChangedV1 = z.infer<typeof billingSubscriptionChangedV1>;

/** An invoice may stand alone (a one-off charge) or belong to a subscription. */
const invoiceSubscriptionId = stripeSubscriptionId.optional().describe('Stripe subscription id; absent for a one-off invoice.');

export const billingInvoicePaidV1 = z
  .strictObject({
    tenantId,
    stripeCustomerId,
    stripeInvoiceId,
    stripeSubscriptionId: invoiceSubscriptionId,
    amountPaid: amountMinor.describe('Amount paid, in minor units of currency.'),
    currency,
    periodStart: timestamp.describe('Start of the billed period: ISO 8601 with offset.'),
    periodEnd: timestamp.describe('End of the billed period: ISO 8601 with offset.'),
    occurredAt,
  })
  .describe('billing.invoice.paid.v1: a tenant invoice was paid. Topic billing-events.');
export type BillingInvoicePaidV1 = z.infer<typeof billingInvoicePaidV1>;

export const billingInvoicePaymentFailedV1 = z
  .strictObject({
    tenantId,
    stripeCustomerId,
    stripeInvoiceId,
    stripeSubscriptionId: invoiceSubscriptionId,
    amountDue: amountMinor.describe('Amount still due, in minor units of currency.'),
    currency,
    attemptCount: nonNegativeInt32().min(1).describe('Payment attempts made so far.'),
    nextPaymentAttemptAt: timestamp.optional().describe('When Stripe retries: ISO 8601 with offset; absent when it will not retry.'),
    failureReason: boundedText(500).optional().describe('Reason Stripe gave for the failure, e.g. "card_declined".'),
    occurredAt,
  })
  .describe('billing.invoice.payment_failed.v1: a payment of a tenant invoice failed. Topic billing-events.');
export type BillingInvoicePaymentFailedV1 = z.infer<typeof billingInvoicePaymentFailedV1>;

export const billingQuotaChangedV1 = z
  .strictObject({
    tenantId,
    plan,
    quota: z
      .strictObject({
        monthlyRecords: nonNegativeInt32().describe('Mapping records the tenant may store per calendar month.'),
      })
      .describe("The tenant's quota from now on."),
    occurredAt: timestamp.describe('When the quota changed: ISO 8601 with offset.'),
  })
  .describe("billing.quota.changed.v1: a tenant's quota changed (plan change, override). Topic billing-events, consumed by core-store to enforce it.");
export type BillingQuotaChangedV1 = z.infer<typeof billingQuotaChangedV1>;

const period = z
  .string()
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/)
  .describe('Calendar month in UTC, "YYYY-MM".');

export const USAGE_THRESHOLDS = [80, 100] as const;

export const billingUsageThresholdV1 = z
  .strictObject({
    tenantId,
    plan,
    period,
    thresholdPercent: z.union([z.literal(80), z.literal(100)]).describe('The share of the included records the usage reached: 80 or 100.'),
    used: z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Records metered in the period when the threshold was crossed.'),
    included: nonNegativeInt32().describe("Records the tenant's plan includes per period."),
    occurredAt: timestamp.describe('When billing metered the crossing: ISO 8601 with offset.'),
  })
  .describe("billing.usage.threshold.v1: a tenant's usage in a period crossed 80 % or 100 % of its plan's included records; each once per period. Topic billing-events.");
export type BillingUsageThresholdV1 = z.infer<typeof billingUsageThresholdV1>;

export const DUNNING_STEP_KINDS = ['reminder', 'restricted', 'recovered'] as const;

export const billingDunningStepV1 = z
  .strictObject({
    tenantId,
    stripeInvoiceId,
    step: z
      .enum(DUNNING_STEP_KINDS)
      .describe('"reminder": the invoice is still unpaid (a notifier tells the customer); "restricted": the grace period ended and the quota dropped; "recovered": the invoice was paid and the plan restored.'),
    sequence: nonNegativeInt32().min(1).describe('1 for the first reminder, 2 for the second, ...; 1 for the other steps.'),
    amountDue: amountMinor.describe('Amount still due, in minor units of currency.'),
    currency,
    graceEndsAt: timestamp.optional().describe('When the quota drops unless the invoice is paid: ISO 8601 with offset; absent once restricted or recovered.'),
    occurredAt: timestamp.describe('When billing took the step: ISO 8601 with offset.'),
  })
  .describe("billing.dunning.step.v1: a step of the dunning of a tenant's unpaid invoice. Topic billing-events.");
export type BillingDunningStepV1 = z.infer<typeof billingDunningStepV1>;
