import { z } from 'zod';
import { boundedText, freeFormObject, nonNegativeInt32, timestamp } from '../../events/shared-fields';
import { amountMinor, billingPeriod, currency, planCode, promotionalCode, satisfactionScore, stripeObjectId } from './billing-fields';
import { PROFESSIONAL_SERVICE_STATUSES, planSummary, promotionDiscount, SLA_COMPARISONS, slaValue } from './tenant-billing-api';

/** The operator API of billing (admin token): plans, subscription overrides, promotional codes, professional services, SLAs. */

const nonEmpty = (body: object) => Object.keys(body).length > 0;
const nothingToChange = { message: 'Nothing to change: give at least one field' };

/** Both ends given and in the wrong order: the issue goes on the later field. */
function inOrder<T extends Record<string, unknown>>(earlier: keyof T & string, later: keyof T & string, message: string) {
  return (body: T, ctx: z.RefinementCtx) => {
    const from = body[earlier];
    const until = body[later];
    if (typeof from === 'string' && typeof until === 'string' && Date.parse(until) < Date.parse(from)) {
      ctx.addIssue({ code: 'custom', path: [later], message });
    }
  };
}

const stripePriceId = stripeObjectId('price', 'price');
const planFeatures = freeFormObject({ maxBytes: 4_096, description: 'Feature limits, e.g. { "retentionDaysMax": 365, "apiKeysMax": 10 }.' });

export const planResponse = planSummary
  .extend({
    isFree: z.boolean().describe('The free tier every new tenant starts on.'),
    stripePriceId: z.string().nullable().describe('The Stripe price a subscription to this plan carries; null for the free tier.'),
    features: z.record(z.string(), z.unknown()).describe('Feature limits.'),
    active: z.boolean().describe('Inactive plans take no new subscriptions or overrides; tenants already on one keep it.'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .describe('A plan of the catalogue.');
export type PlanResponse = z.infer<typeof planResponse>;

export const planList = z.strictObject({ items: z.array(planResponse) }).describe('The catalogue, ordered by code.');
export type PlanList = z.infer<typeof planList>;

const planFields = {
  name: boundedText(200),
  stripePriceId: stripePriceId.nullable(),
  priceMinor: amountMinor().describe('Recurring price per interval, in minor units of currency.'),
  currency,
  interval: z.enum(['month', 'year']),
  includedRecords: nonNegativeInt32().nullable().describe('Records included per month; null: unlimited.'),
  overagePriceMinorPer1000: amountMinor().nullable().describe('Price per 1,000 records over the included ones, in minor units; null: no overage.'),
  features: planFeatures,
  active: z.boolean(),
};

export const createPlanRequest = z
  .strictObject({
    code: planCode,
    ...planFields,
    stripePriceId: planFields.stripePriceId.optional(),
    interval: planFields.interval.default('month'),
    overagePriceMinorPer1000: planFields.overagePriceMinorPer1000.optional(),
    features: planFields.features.optional(),
    active: planFields.active.default(true),
  })
  .describe('A new paid plan.');
export type CreatePlanRequest = z.infer<typeof createPlanRequest>;

export const updatePlanRequest = z
  .strictObject({
    name: planFields.name.optional(),
    stripePriceId: planFields.stripePriceId.optional(),
    priceMinor: planFields.priceMinor.optional(),
    currency: planFields.currency.optional(),
    interval: planFields.interval.optional(),
    includedRecords: planFields.includedRecords.optional(),
    overagePriceMinorPer1000: planFields.overagePriceMinorPer1000.optional(),
    features: planFields.features.optional(),
    active: planFields.active.optional().describe('false: no new subscriptions or overrides. The free plan cannot be deactivated.'),
  })
  .refine(nonEmpty, nothingToChange)
  .describe('What to change in a plan. Tenants on the plan get their quota again from the changed plan.');
export type UpdatePlanRequest = z.infer<typeof updatePlanRequest>;

export const planOverrideRequest = z
  .strictObject({ planCode: planCode.describe('The plan the tenant is on from now on, whatever its subscription says.') })
  .describe("An operator's decision of a tenant's plan.");
export type PlanOverrideRequest = z.infer<typeof planOverrideRequest>;

export const promotionResponse = promotionDiscount
  .extend({
    code: z.string(),
    maxRedemptions: nonNegativeInt32().nullable().describe('At most this many tenants may redeem it; null: no cap.'),
    redemptions: nonNegativeInt32().describe('Tenants that redeemed it so far.'),
    active: z.boolean(),
    createdAt: timestamp,
  })
  .describe('A promotional code.');
export type PromotionResponse = z.infer<typeof promotionResponse>;

export const promotionList = z.strictObject({ items: z.array(promotionResponse) }).describe('Every promotional code, newest first.');
export type PromotionList = z.infer<typeof promotionList>;

const promotionWindow = {
  validFrom: timestamp.nullable().describe('Not redeemable before; null: from now.'),
  validUntil: timestamp.nullable().describe('Not redeemable after; null: no end.'),
  maxRedemptions: nonNegativeInt32().min(1).nullable().describe('At most this many tenants; null: no cap.'),
};
const windowOrder = 'validUntil must not be before validFrom';

export const createPromotionRequest = z
  .strictObject({
    code: promotionalCode,
    description: boundedText(500).optional(),
    percentOff: z.int().min(1).max(100).optional().describe('Percent off; give this or amountOffMinor with currency.'),
    amountOffMinor: amountMinor().min(1).optional().describe('Amount off in minor units of currency.'),
    currency: currency.optional().describe('Required with amountOffMinor, and only with it.'),
    validFrom: promotionWindow.validFrom.optional(),
    validUntil: promotionWindow.validUntil.optional(),
    maxRedemptions: promotionWindow.maxRedemptions.optional(),
    active: z.boolean().default(true),
  })
  .superRefine((body, ctx) => {
    if ((body.percentOff === undefined) === (body.amountOffMinor === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'Give exactly one of percentOff and amountOffMinor' });
    }
    if ((body.amountOffMinor === undefined) !== (body.currency === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'currency goes with amountOffMinor, and only with it' });
    }
  })
  .superRefine(inOrder('validFrom', 'validUntil', windowOrder))
  .describe('A new promotional code: percent or amount off, an optional window and cap; once per tenant.');
export type CreatePromotionRequest = z.infer<typeof createPromotionRequest>;

export const updatePromotionRequest = z
  .strictObject({
    description: boundedText(500).nullable().optional(),
    validFrom: promotionWindow.validFrom.optional(),
    validUntil: promotionWindow.validUntil.optional(),
    maxRedemptions: promotionWindow.maxRedemptions.optional().describe('A cap below the redemptions so far stops further ones; none is undone.'),
    active: z.boolean().optional().describe('false: no further redemptions.'),
  })
  .refine(nonEmpty, nothingToChange)
  .superRefine(inOrder('validFrom', 'validUntil', windowOrder))
  .describe("What to change in a promotional code; its discount stays as redeemed.");
export type UpdatePromotionRequest = z.infer<typeof updatePromotionRequest>;

const initialStatus = z.enum(['proposed', 'scheduled']);
const serviceStatus = z.enum(PROFESSIONAL_SERVICE_STATUSES);
const price = amountMinor().describe('In minor units of currency.');
const timesOrder = 'endsAt must not be before startsAt';

export const createEngagementRequest = z
  .strictObject({
    kind: z
      .string()
      .max(100)
      .regex(/^[a-z][a-z0-9_]*$/)
      .default('white_glove_onboarding')
      .describe('What kind of engagement, e.g. "white_glove_onboarding".'),
    scope: boundedText(4_000).describe('What the engagement covers.'),
    priceMinor: price,
    currency,
    startsAt: timestamp.nullable().optional(),
    endsAt: timestamp.nullable().optional(),
    status: initialStatus.default('proposed'),
  })
  .superRefine(inOrder('startsAt', 'endsAt', timesOrder))
  .describe('A new engagement for the tenant.');
export type CreateEngagementRequest = z.infer<typeof createEngagementRequest>;

export const updateEngagementRequest = z
  .strictObject({
    scope: boundedText(4_000).optional(),
    priceMinor: price.optional(),
    currency: currency.optional(),
    startsAt: timestamp.nullable().optional(),
    endsAt: timestamp.nullable().optional(),
    status: serviceStatus.optional().describe('Only forward: proposed → scheduled → in_progress → completed, or to cancelled before completion.'),
    satisfactionScore: satisfactionScore.optional().describe('Only once completed (or with status "completed").'),
  })
  .refine(nonEmpty, nothingToChange)
  .superRefine(inOrder('startsAt', 'endsAt', timesOrder))
  .describe('What to change in an engagement. A completed or cancelled one takes only a satisfaction score (completed).');
export type UpdateEngagementRequest = z.infer<typeof updateEngagementRequest>;

const durationMinutes = z.int().min(1).max(1_440).describe('1 to 1,440 minutes.');
const attendees = nonNegativeInt32().max(100_000).nullable().describe('How many attend; null: not known yet.');

export const createTrainingSessionRequest = z
  .strictObject({
    topic: boundedText(500),
    scheduledAt: timestamp,
    durationMinutes,
    attendees: attendees.optional(),
    priceMinor: price,
    currency,
    status: initialStatus.default('scheduled'),
  })
  .describe('A new training session for the tenant.');
export type CreateTrainingSessionRequest = z.infer<typeof createTrainingSessionRequest>;

export const updateTrainingSessionRequest = z
  .strictObject({
    topic: boundedText(500).optional(),
    scheduledAt: timestamp.optional(),
    durationMinutes: durationMinutes.optional(),
    attendees: attendees.optional(),
    priceMinor: price.optional(),
    currency: currency.optional(),
    status: serviceStatus.optional().describe('Only forward: proposed → scheduled → in_progress → completed, or to cancelled before completion.'),
    satisfactionScore: satisfactionScore.optional().describe('Only once completed (or with status "completed").'),
  })
  .refine(nonEmpty, nothingToChange)
  .describe('What to change in a training session. A completed or cancelled one takes only a satisfaction score (completed).');
export type UpdateTrainingSessionRequest = z.infer<typeof updateTrainingSessionRequest>;

const creditPercent = z.int().min(0).max(100).describe("Share of the period's invoice credited back on a breach, 0 to 100.");
const slaTarget = slaValue.describe('The promised value; up to four decimals are kept.');

export const createSlaCommitmentRequest = z
  .strictObject({
    metric: z
      .string()
      .max(100)
      .regex(/^[a-z][a-z0-9_]*$/)
      .describe('What is measured, e.g. "availability_percent", "p95_latency_ms".'),
    target: slaTarget,
    comparison: z.enum(SLA_COMPARISONS).describe('"at_least": below target breaches; "at_most": above target breaches.'),
    creditPercent,
    active: z.boolean().default(true),
  })
  .describe('A new SLA commitment for the tenant.');
export type CreateSlaCommitmentRequest = z.infer<typeof createSlaCommitmentRequest>;

export const updateSlaCommitmentRequest = z
  .strictObject({
    active: z.boolean().optional().describe('false: no further measurements; those recorded stay.'),
    target: slaTarget.optional().describe('Applies to measurements recorded from now on.'),
    creditPercent: creditPercent.optional().describe('Applies to measurements recorded from now on.'),
  })
  .refine(nonEmpty, nothingToChange)
  .describe('What to change in an SLA commitment.');
export type UpdateSlaCommitmentRequest = z.infer<typeof updateSlaCommitmentRequest>;

export const recordSlaMeasurementRequest = z
  .strictObject({
    commitmentId: z.uuid().describe('An active commitment of the tenant.'),
    period: billingPeriod.describe('The month measured.'),
    measured: slaValue.describe('The measured value; up to four decimals are kept.'),
  })
  .describe('One measurement of a commitment for one month; a breach computes the service credit.');
export type RecordSlaMeasurementRequest = z.infer<typeof recordSlaMeasurementRequest>;
