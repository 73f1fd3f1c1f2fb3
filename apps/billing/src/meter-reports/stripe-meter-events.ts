import Stripe from 'stripe';

/** The part of Stripe's API meter reports use: Billing Meter events (not the retired usage records). */
export interface MeterEventsApi {
  create(params: Stripe.Billing.MeterEventCreateParams, options?: Stripe.RequestOptions): Promise<unknown>;
}

/** Stripe's meter events, or null when STRIPE_API_KEY is unset: then nothing is reported. */
export const STRIPE_METER_EVENTS = Symbol('StripeMeterEvents');

/** Where the Stripe client connects; api.stripe.com over HTTPS unless a stand-in is named. */
export interface StripeConnection {
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/**
 * A client for Stripe's meter events. It does not retry by itself: a failed report stays pending in
 * meter_reports and the job retries it with backoff, under the same idempotency identifier.
 */
export function stripeMeterEvents(apiKey: string, connection: StripeConnection = {}): MeterEventsApi {
  return new Stripe(apiKey, { maxNetworkRetries: 0, timeout: 20_000, ...connection }).billing.meterEvents;
}
