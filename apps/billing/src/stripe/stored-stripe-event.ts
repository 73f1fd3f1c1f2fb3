import type { StripeWebhookEvent } from '@comply/contracts';
import type { NewStripeEvent } from './stripe-events.repository';

/** The stripe_events row of a verified event, whether it came by webhook or from Stripe's Events API (backfill). */
export function storedStripeEvent(event: StripeWebhookEvent): NewStripeEvent {
  return {
    id: event.id,
    type: event.type,
    createdAt: new Date(event.created * 1000),
    apiVersion: event.api_version ?? null,
    livemode: event.livemode,
    payload: event,
  };
}
