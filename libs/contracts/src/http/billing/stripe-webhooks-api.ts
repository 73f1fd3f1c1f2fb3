import { z } from 'zod';
import { tenantId, timestamp } from '../../events/shared-fields';
import { freeFormProblem } from '../../fields/free-form-object';
import { nextCursor, pageQuery, stripeObjectId } from './billing-fields';

/** Stripe webhook events as billing receives them, and as operators see them: the stored inbound events and their re-processing. */

export const STRIPE_EVENT_STATUSES = ['pending', 'processed', 'failed'] as const;
export type StripeEventStatus = (typeof STRIPE_EVENT_STATUSES)[number];

/** Fastify's body limit, which billing keeps: a larger webhook is answered 413 before it is read. */
export const STRIPE_EVENT_MAX_BYTES = 1_048_576;

/** Latest instant an ISO 8601 timestamp without an expanded year can name, as Unix seconds (9999-12-31T23:59:59Z). */
const LATEST_UNIX_SECONDS = 253_402_300_799;

export const stripeEventId = stripeObjectId('evt', 'event');

export const stripeEventType = z
  .string()
  .max(255)
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/)
  .describe('Stripe event type, e.g. "customer.subscription.updated".');

/**
 * The parts of a Stripe event (a webhook's verified body) billing relies on; everything else is
 * kept as Stripe sent it. The whole event must be JSON PostgreSQL can store (no NUL, no unpaired
 * surrogate, at most 32 levels deep).
 */
export const stripeWebhookEvent = z
  .looseObject({
    id: stripeEventId,
    object: z.literal('event'),
    type: stripeEventType,
    created: z.int().min(0).max(LATEST_UNIX_SECONDS).describe('When Stripe created the event, in Unix seconds.'),
    api_version: z.string().max(100).nullable().optional().describe('The API version the event was rendered with.'),
    livemode: z.boolean(),
    data: z.looseObject({
      object: z.looseObject({ object: z.string().max(100).describe('The kind of Stripe object, e.g. "subscription".') }),
      previous_attributes: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .superRefine((event, ctx) => {
    const problem = freeFormProblem(event, STRIPE_EVENT_MAX_BYTES);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  })
  .describe('A Stripe event as its webhook delivers it (snapshot payload).');
export type StripeWebhookEvent = z.infer<typeof stripeWebhookEvent>;

export const stripeWebhookResponse = z
  .strictObject({
    received: z.literal(true),
    duplicate: z.boolean().describe('true: this event id was stored before (a redelivery); nothing changed.'),
  })
  .describe('The event is stored; it is processed from the store, so a redelivery is a no-op.');
export type StripeWebhookResponse = z.infer<typeof stripeWebhookResponse>;

export const stripeEventListQuery = z
  .strictObject({
    status: z.enum(STRIPE_EVENT_STATUSES).optional().describe('Only events in this status.'),
    type: stripeEventType.optional().describe('Only events of this type, e.g. "invoice.payment_failed".'),
    ...pageQuery,
  })
  .describe('Filters of GET /admin/stripe/events; newest received first.');
export type StripeEventListQuery = z.infer<typeof stripeEventListQuery>;

export const stripeEventSummary = z
  .strictObject({
    id: z.string().describe('Stripe event id.'),
    type: z.string(),
    status: z.enum(STRIPE_EVENT_STATUSES).describe('"pending": waiting to be (re)processed; "processed": applied, or nothing to do; "failed": gave up after STRIPE_EVENT_MAX_ATTEMPTS.'),
    tenantId: tenantId.nullable().describe('The tenant the event was applied to; null until known, and for events that concern no tenant.'),
    createdAt: timestamp.describe("Stripe's `created` of the event."),
    receivedAt: timestamp.describe('When billing stored it.'),
    availableAt: timestamp.describe('While pending: when it is due for its next attempt.'),
    processedAt: timestamp.nullable(),
    attempts: z.int().describe('Processing attempts so far (successful or not).'),
    lastError: z.string().nullable().describe('Why the last attempt failed; never holds payload values.'),
    apiVersion: z.string().nullable(),
    livemode: z.boolean(),
  })
  .describe('A stored Stripe event without its payload.');
export type StripeEventSummary = z.infer<typeof stripeEventSummary>;

export const stripeEventList = z.strictObject({ items: z.array(stripeEventSummary), nextCursor });
export type StripeEventList = z.infer<typeof stripeEventList>;

export const stripeEventDetail = stripeEventSummary
  .extend({ payload: z.record(z.string(), z.unknown()).describe('The event as Stripe sent it.') })
  .describe('A stored Stripe event with its payload.');
export type StripeEventDetail = z.infer<typeof stripeEventDetail>;
