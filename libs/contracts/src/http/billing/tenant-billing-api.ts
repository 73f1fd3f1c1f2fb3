import { z } from 'zod';
import { nonNegativeInt32, tenantId, timestamp } from '../../events/shared-fields';
import { SUBSCRIPTION_STATUSES } from '../../events/billing-events';
import { amountMinor, billingPeriod, currency, nextCursor, pageQuery, planCode, promotionalCode, satisfactionScore } from './billing-fields';

/** What a tenant reads and does with its API key: subscription, usage, invoices, payments, promotional codes. */

export const BILLING_ACCOUNT_STATUSES = ['active', 'past_due', 'restricted', 'canceled'] as const;
export type BillingAccountStatus = (typeof BILLING_ACCOUNT_STATUSES)[number];

export const PLAN_SOURCES = ['default', 'subscription', 'override'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

export const BILLING_PLAN_INTERVALS = ['month', 'year'] as const;

export const planSummary = z
  .strictObject({
    code: planCode,
    name: z.string(),
    priceMinor: amountMinor().describe('Recurring price per interval, in minor units of currency.'),
    currency,
    interval: z.enum(BILLING_PLAN_INTERVALS),
    includedRecords: nonNegativeInt32().nullable().describe('Records included per month; null: unlimited.'),
    overagePriceMinorPer1000: amountMinor()
      .nullable()
      .describe('Price per 1,000 records over the included ones, in minor units; null: no overage, the quota is hard.'),
  })
  .describe('A plan as tenants see it.');
export type PlanSummary = z.infer<typeof planSummary>;

export const liveSubscription = z
  .strictObject({
    id: z.string().describe('Stripe subscription id.'),
    status: z.enum(SUBSCRIPTION_STATUSES).describe("Stripe's status of the subscription."),
    planCode: planCode.nullable().describe('The plan its price belongs to; null when the price is not one of the catalogue.'),
    currentPeriodStart: timestamp.nullable(),
    currentPeriodEnd: timestamp.nullable(),
    trialEnd: timestamp.nullable(),
    cancelAt: timestamp.nullable().describe('When it is set to end; null when it is not.'),
    cancelAtPeriodEnd: z.boolean(),
  })
  .describe("The tenant's current Stripe subscription, as the last Stripe event applied left it.");
export type LiveSubscription = z.infer<typeof liveSubscription>;

export const billingSubscriptionResponse = z
  .strictObject({
    tenantId,
    plan: planSummary,
    source: z
      .enum(PLAN_SOURCES)
      .describe('Where the plan comes from: "default" (the free tier), "subscription" (Stripe), "override" (an operator\'s decision).'),
    status: z
      .enum(BILLING_ACCOUNT_STATUSES)
      .describe('"active"; "past_due": a payment failed and the grace period runs; "restricted": the grace period ended and the quota dropped; "canceled".'),
    graceEndsAt: timestamp.nullable().describe('While past due: when the quota drops unless the invoice is paid.'),
    subscription: liveSubscription.nullable().describe('Null when the tenant has no live Stripe subscription.'),
    quota: z
      .strictObject({
        monthlyRecords: nonNegativeInt32().nullable().describe('Records the tenant may store per UTC month; null: unlimited.'),
      })
      .describe('What core-store enforces for the tenant.'),
  })
  .describe("The tenant's plan, billing status, Stripe subscription and quota. A tenant billing has not seen yet is on the free plan.");
export type BillingSubscriptionResponse = z.infer<typeof billingSubscriptionResponse>;

export const usageQuery = z
  .strictObject({
    period: billingPeriod.optional().describe('The month to report; default the current UTC month.'),
  })
  .describe('Query of GET /v1/billing/usage.');
export type UsageQuery = z.infer<typeof usageQuery>;

export const usageResponse = z
  .strictObject({
    tenantId,
    period: billingPeriod,
    metric: z.string().describe('What is metered: mapping records stored.'),
    used: z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Records metered in the period.'),
    included: nonNegativeInt32().nullable().describe("Records the tenant's current plan includes per month; null: unlimited."),
    remaining: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().describe('Included records not used yet, never negative; null: unlimited.'),
    percent: z
      .number()
      .min(0)
      .nullable()
      .describe('Used as a share of the included records, in percent with one decimal (above 100 past the limit); null when unlimited or nothing is included.'),
  })
  .describe("The tenant's metered usage in one month against its plan.");
export type UsageResponse = z.infer<typeof usageResponse>;

export const billingPageQuery = z.strictObject(pageQuery).describe('Newest first; pages never skip or repeat an item.');
export type BillingPageQuery = z.infer<typeof billingPageQuery>;

export const BILLING_INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;

export const invoiceResponse = z
  .strictObject({
    id: z.string().describe('Stripe invoice id.'),
    number: z.string().nullable().describe('The number printed on the invoice; null while it is a draft.'),
    status: z.enum(BILLING_INVOICE_STATUSES),
    currency,
    amountDue: amountMinor().describe('In minor units of currency.'),
    amountPaid: amountMinor().describe('In minor units of currency.'),
    creditsApplied: amountMinor().describe('Service credits and promotions taken off, in minor units of currency.'),
    subscriptionId: z.string().nullable().describe('Stripe subscription id; null for a one-off invoice.'),
    periodStart: timestamp.nullable(),
    periodEnd: timestamp.nullable(),
    attemptCount: nonNegativeInt32().describe('Payment attempts so far.'),
    nextPaymentAttemptAt: timestamp.nullable().describe('When Stripe retries the payment; null when it will not.'),
    paidAt: timestamp.nullable(),
    createdAt: timestamp.describe('When billing first heard of the invoice.'),
  })
  .describe('An invoice of the tenant, amounts in minor units of its currency.');
export type InvoiceResponse = z.infer<typeof invoiceResponse>;

export const invoiceList = z.strictObject({ items: z.array(invoiceResponse), nextCursor }).describe("One page of the tenant's invoices, newest first.");
export type InvoiceList = z.infer<typeof invoiceList>;

export const BILLING_PAYMENT_STATUSES = ['succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed'] as const;

export const paymentResponse = z
  .strictObject({
    id: z.string().describe('Stripe payment intent id (or charge id for a charge without one).'),
    invoiceId: z.string().nullable().describe('The Stripe invoice paid, if any.'),
    status: z.enum(BILLING_PAYMENT_STATUSES),
    amount: amountMinor().describe('In minor units of currency.'),
    amountRefunded: amountMinor().describe('In minor units of currency.'),
    currency,
    failureCode: z.string().nullable().describe('Why it failed, as Stripe says, e.g. "card_declined".'),
    disputedAt: timestamp.nullable(),
    createdAt: timestamp.describe('When billing first heard of the payment.'),
  })
  .describe('A payment (or failed attempt) of the tenant, amounts in minor units of its currency.');
export type PaymentResponse = z.infer<typeof paymentResponse>;

export const paymentList = z.strictObject({ items: z.array(paymentResponse), nextCursor }).describe("One page of the tenant's payments, newest first.");
export type PaymentList = z.infer<typeof paymentList>;

export const promotionCodeRequest = z.strictObject({ code: promotionalCode }).describe('A promotional code to check or redeem.');
export type PromotionCodeRequest = z.infer<typeof promotionCodeRequest>;

export const PROMOTION_REFUSAL_REASONS = ['unknown', 'inactive', 'not_yet_valid', 'expired', 'exhausted', 'already_redeemed'] as const;
export type PromotionRefusalReason = (typeof PROMOTION_REFUSAL_REASONS)[number];

const refusalReason = z
  .enum(PROMOTION_REFUSAL_REASONS)
  .describe(
    'Why the code cannot be redeemed: "unknown" (no such code), "inactive" (switched off), "not_yet_valid" / "expired" (outside its window), "exhausted" (the cap is reached), "already_redeemed" (by this tenant).',
  );

export const promotionDiscount = z
  .strictObject({
    description: z.string().nullable(),
    percentOff: z.int().min(1).max(100).nullable().describe('Percent off; null for an amount off.'),
    amountOffMinor: amountMinor().nullable().describe('Amount off in minor units of currency; null for a percent off.'),
    currency: currency.nullable().describe('Currency of amountOffMinor; null for a percent off.'),
    validFrom: timestamp.nullable(),
    validUntil: timestamp.nullable(),
  })
  .describe('What a promotional code gives, and when.');
export type PromotionDiscount = z.infer<typeof promotionDiscount>;

export const promotionValidation = z
  .strictObject({
    code: z.string(),
    valid: z.boolean().describe('Whether this tenant could redeem the code now.'),
    reason: refusalReason.nullable().describe('Null when valid; else why not (see PromotionRefusal).'),
    discount: promotionDiscount.nullable().describe('Null for an unknown code.'),
  })
  .describe('Whether the tenant could redeem a promotional code now, and why not.');
export type PromotionValidation = z.infer<typeof promotionValidation>;

export const promotionRedemption = z
  .strictObject({
    code: z.string(),
    tenantId,
    redeemedAt: timestamp,
    discount: promotionDiscount,
  })
  .describe('The code is redeemed for the tenant (once per tenant); the discount applies to its invoices from now on.');
export type PromotionRedemption = z.infer<typeof promotionRedemption>;

/** The error body of a refused redemption: the platform's error shape with the reason. */
export const promotionRefusal = z
  .strictObject({
    statusCode: z.literal(409),
    error: z.string(),
    message: z.string(),
    reason: refusalReason,
  })
  .describe('The code cannot be redeemed by this tenant now; `reason` says why.');
export type PromotionRefusal = z.infer<typeof promotionRefusal>;

export const PROFESSIONAL_SERVICE_STATUSES = ['proposed', 'scheduled', 'in_progress', 'completed', 'cancelled'] as const;
export type ProfessionalServiceStatus = (typeof PROFESSIONAL_SERVICE_STATUSES)[number];

const serviceStatus = z
  .enum(PROFESSIONAL_SERVICE_STATUSES)
  .describe('proposed → scheduled → in_progress → completed; any but completed may become cancelled.');

export const engagementResponse = z
  .strictObject({
    id: z.uuid(),
    tenantId,
    kind: z.string().describe('e.g. "white_glove_onboarding".'),
    scope: z.string().describe('What the engagement covers.'),
    priceMinor: amountMinor().describe('In minor units of currency.'),
    currency,
    status: serviceStatus,
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    satisfactionScore: satisfactionScore.nullable().describe('1 to 5, given once completed; null until then.'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('A professional-services engagement (white-glove onboarding).');
export type EngagementResponse = z.infer<typeof engagementResponse>;

export const engagementList = z.strictObject({ items: z.array(engagementResponse) }).describe("The tenant's engagements, newest first.");
export type EngagementList = z.infer<typeof engagementList>;

export const trainingSessionResponse = z
  .strictObject({
    id: z.uuid(),
    tenantId,
    topic: z.string(),
    scheduledAt: timestamp,
    durationMinutes: nonNegativeInt32(),
    attendees: nonNegativeInt32().nullable(),
    priceMinor: amountMinor().describe('In minor units of currency.'),
    currency,
    status: serviceStatus,
    satisfactionScore: satisfactionScore.nullable().describe('1 to 5, given once completed; null until then.'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('A training session for the tenant.');
export type TrainingSessionResponse = z.infer<typeof trainingSessionResponse>;

export const trainingSessionList = z.strictObject({ items: z.array(trainingSessionResponse) }).describe("The tenant's training sessions, newest first.");
export type TrainingSessionList = z.infer<typeof trainingSessionList>;

export const SLA_COMPARISONS = ['at_least', 'at_most'] as const;

/** numeric(12, 4): eight digits before the point. */
export const slaValue = z.number().min(0).max(99_999_999.9999);

export const slaCommitmentResponse = z
  .strictObject({
    id: z.uuid(),
    tenantId,
    metric: z.string().describe('What is measured, e.g. "availability_percent".'),
    target: slaValue,
    comparison: z.enum(SLA_COMPARISONS).describe('"at_least": a measurement below target breaches; "at_most": one above target does.'),
    creditPercent: z.int().min(0).max(100).describe("Share of the period's invoice credited back on a breach."),
    active: z.boolean(),
    createdAt: timestamp,
  })
  .describe('What the platform commits to for the tenant.');
export type SlaCommitmentResponse = z.infer<typeof slaCommitmentResponse>;

export const slaMeasurementResponse = z
  .strictObject({
    id: z.uuid(),
    tenantId,
    commitmentId: z.uuid(),
    period: billingPeriod,
    measured: slaValue,
    breached: z.boolean(),
    creditMinor: amountMinor()
      .nullable()
      .describe("On a breach: creditPercent of the tenant's latest paid invoice for the period, in its minor units (0 when none); null without a breach."),
    creditInvoiceId: z.string().nullable().describe('The invoice the credit was taken off; null while it waits for the next invoice.'),
    createdAt: timestamp,
  })
  .describe('A commitment measured for one month.');
export type SlaMeasurementResponse = z.infer<typeof slaMeasurementResponse>;

export const slaCommitmentList = z.strictObject({ items: z.array(slaCommitmentResponse) }).describe("The tenant's SLA commitments, newest first.");
export type SlaCommitmentList = z.infer<typeof slaCommitmentList>;

export const slaMeasurementList = z.strictObject({ items: z.array(slaMeasurementResponse) }).describe("The tenant's SLA measurements, newest period first.");
export type SlaMeasurementList = z.infer<typeof slaMeasurementList>;

export const slaReport = z
  .strictObject({
    commitments: z.array(slaCommitmentResponse),
    measurements: z.array(slaMeasurementResponse).describe('Newest period first.'),
  })
  .describe("The tenant's SLA commitments and their measurements, with any service credits.");
export type SlaReport = z.infer<typeof slaReport>;
