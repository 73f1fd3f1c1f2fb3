import { StripeFixtureEventType, stripeFixtureEvent, StripeFixtureOptions, stripeSignatureHeader } from '../stripe-event-fixtures';

export interface SendOptions {
  /** billing's base URL, e.g. http://127.0.0.1:3002. */
  url: string;
  secret: string;
  types: StripeFixtureEventType[];
  fixture: StripeFixtureOptions;
}

export interface SentEvent {
  type: string;
  id: string;
  status: number;
  body: string;
}

/**
 * Signs one fixture event per type, as Stripe would, and posts each to `POST /webhooks/stripe` in
 * order. Their `created` seconds follow the order given (the last is now), so the ordering rules
 * see them in that order too.
 */
export async function sendStripeEvents(options: SendOptions): Promise<SentEvent[]> {
  const endpoint = new URL('/webhooks/stripe', options.url);
  const now = options.fixture.created ?? Math.floor(Date.now() / 1000);
  const sent: SentEvent[] = [];
  for (const [index, type] of options.types.entries()) {
    const event = stripeFixtureEvent(type, { ...options.fixture, created: now - (options.types.length - 1 - index) });
    const payload = JSON.stringify(event, null, 2);
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignatureHeader(payload, options.secret) },
      body: payload,
    });
    sent.push({ type, id: event.id, status: response.status, body: await response.text() });
  }
  return sent;
}
