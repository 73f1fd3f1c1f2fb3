import { SUBSCRIPTION_STATUSES } from '@comply/contracts';
import { z } from 'zod';

/**
 * The fields billing reads of the Stripe objects its events carry, as zod schemas that keep
 * everything else. They accept both the current API shape (periods on subscription items, an
 * invoice's subscription under `parent.subscription_details`) and the older one (periods on the
 * subscription, `invoice.subscription`), so an endpoint pinned to an older API version still works.
 */

const unixSeconds = z.int().min(0).max(253_402_300_799);
const optionalTime = unixSeconds.nullable().optional();
const text = z.string().max(5_000);
const optionalText = text.nullable().optional();
const amount = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const metadata = z.record(z.string(), z.string()).nullable().optional();

/** `prefix` is one or more alternatives: "du|dp" for disputes. */
function stripeId(prefix: string) {
  return z
    .string()
    .max(255)
    .regex(new RegExp(`^(${prefix})_[A-Za-z0-9_]+$`), `Must be a Stripe id starting with ${prefix.split('|').map((p) => `"${p}_"`).join(' or ')}`);
}

/** A reference Stripe sends as an id, or as the object when it was expanded. */
function reference(prefix: string) {
  return z.union([stripeId(prefix), z.looseObject({ id: stripeId(prefix) })]).transform((value) => (typeof value === 'string' ? value : value.id));
}

export const stripeCustomer = z.looseObject({
  id: stripeId('cus'),
  object: z.literal('customer'),
  /** Only on what the API returns for a deleted customer. */
  deleted: z.boolean().optional(),
  created: unixSeconds.optional(),
  email: optionalText,
  name: optionalText,
  metadata,
});
export type StripeCustomer = z.infer<typeof stripeCustomer>;

const price = z.looseObject({
  id: stripeId('price'),
  currency: z.string().regex(/^[a-z]{3}$/),
  unit_amount: amount.nullable().optional(),
  lookup_key: optionalText,
  recurring: z.looseObject({ interval: z.string() }).nullable().optional(),
});

export const stripeSubscription = z.looseObject({
  id: stripeId('sub'),
  object: z.literal('subscription'),
  customer: reference('cus'),
  status: z.enum(SUBSCRIPTION_STATUSES),
  items: z.looseObject({
    data: z.array(
      z.looseObject({
        price,
        current_period_start: unixSeconds.optional(),
        current_period_end: unixSeconds.optional(),
      }),
    ),
  }),
  current_period_start: unixSeconds.optional(),
  current_period_end: unixSeconds.optional(),
  trial_end: optionalTime,
  cancel_at: optionalTime,
  cancel_at_period_end: z.boolean(),
  canceled_at: optionalTime,
  ended_at: optionalTime,
  created: unixSeconds,
  metadata,
});
export type StripeSubscription = z.infer<typeof stripeSubscription>;

export const stripeInvoice = z.looseObject({
  id: stripeId('in'),
  object: z.literal('invoice'),
  customer: reference('cus'),
  /** Null only for a deleted draft, which billing keeps as it was. */
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']).nullable(),
  number: optionalText,
  currency: z.string().regex(/^[a-z]{3}$/),
  amount_due: amount,
  amount_paid: amount,
  attempt_count: z.int().min(0).max(2_147_483_647),
  next_payment_attempt: optionalTime,
  period_start: unixSeconds,
  period_end: unixSeconds,
  created: unixSeconds,
  customer_name: optionalText,
  customer_email: optionalText,
  status_transitions: z.looseObject({ paid_at: optionalTime }).optional(),
  parent: z
    .looseObject({
      subscription_details: z.looseObject({ subscription: reference('sub'), metadata }).nullable().optional(),
    })
    .nullable()
    .optional(),
  subscription: reference('sub').nullable().optional(),
  payments: z
    .looseObject({
      data: z.array(z.looseObject({ payment: z.looseObject({ payment_intent: reference('pi').nullable().optional() }) })),
    })
    .optional(),
  metadata,
});
export type StripeInvoice = z.infer<typeof stripeInvoice>;

export const stripePaymentIntent = z.looseObject({
  id: stripeId('pi'),
  object: z.literal('payment_intent'),
  customer: reference('cus').nullable().optional(),
  amount,
  amount_received: amount.optional(),
  currency: z.string().regex(/^[a-z]{3}$/),
  status: z.string(),
  latest_charge: reference('ch').nullable().optional(),
  last_payment_error: z.looseObject({ code: optionalText, decline_code: optionalText }).nullable().optional(),
  created: unixSeconds,
  metadata,
});
export type StripePaymentIntent = z.infer<typeof stripePaymentIntent>;

export const stripeCharge = z.looseObject({
  id: stripeId('ch'),
  object: z.literal('charge'),
  customer: reference('cus').nullable().optional(),
  payment_intent: reference('pi').nullable().optional(),
  amount,
  amount_refunded: amount,
  currency: z.string().regex(/^[a-z]{3}$/),
  refunded: z.boolean(),
  failure_code: optionalText,
  created: unixSeconds,
  metadata,
});
export type StripeCharge = z.infer<typeof stripeCharge>;

export const stripeDispute = z.looseObject({
  id: stripeId('du|dp'),
  object: z.literal('dispute'),
  charge: reference('ch'),
  payment_intent: reference('pi').nullable().optional(),
  amount,
  currency: z.string().regex(/^[a-z]{3}$/),
  created: unixSeconds,
  metadata,
});
export type StripeDispute = z.infer<typeof stripeDispute>;

export const stripePaymentMethod = z.looseObject({
  id: stripeId('pm'),
  object: z.literal('payment_method'),
  type: z.string().max(100),
  customer: reference('cus').nullable().optional(),
  card: z
    .looseObject({
      brand: optionalText,
      last4: z.string().regex(/^[0-9]{4}$/).nullable().optional(),
      exp_month: z.int().min(1).max(12).nullable().optional(),
      exp_year: z.int().min(1).max(9999).nullable().optional(),
    })
    .nullable()
    .optional(),
  created: unixSeconds,
  metadata,
});
export type StripePaymentMethod = z.infer<typeof stripePaymentMethod>;

export const stripeCheckoutSession = z.looseObject({
  id: stripeId('cs'),
  object: z.literal('checkout.session'),
  client_reference_id: optionalText,
  customer: reference('cus').nullable().optional(),
  subscription: reference('sub').nullable().optional(),
  mode: z.string(),
  created: unixSeconds,
  metadata,
});
export type StripeCheckoutSession = z.infer<typeof stripeCheckoutSession>;

/** A Stripe object in an event is not what billing expects: which fields, never their values. */
export class UnexpectedStripeObject extends Error {
  override readonly name = 'UnexpectedStripeObject';
}

/** Parses `value` as the Stripe object `kind`, or throws UnexpectedStripeObject naming the fields at fault. */
export function parseStripeObject<S extends z.ZodType>(schema: S, value: unknown, kind: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => `${fieldPath(issue.path) || '(object)'}: ${issue.message}`);
  throw new UnexpectedStripeObject(`Stripe ${kind} not as expected: ${fields.join('; ')}`);
}

/** Metadata keys are the customer's own words: a path stops at `metadata`. */
function fieldPath(path: PropertyKey[]): string {
  const metadataAt = path.indexOf('metadata');
  return (metadataAt >= 0 ? path.slice(0, metadataAt + 1) : path).map(String).join('.');
}
