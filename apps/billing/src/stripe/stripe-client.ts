import Stripe from 'stripe';

/** The Stripe API client, or undefined when STRIPE_API_KEY is unset (then nothing calls Stripe). */
export const STRIPE_CLIENT = Symbol('StripeClient');

/** A client on the API version this `stripe` package pins, which the event schemas in stripe-objects.ts follow. */
export function stripeClientFor(apiKey: string | undefined): Stripe | undefined {
  return apiKey ? new Stripe(apiKey, { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'comply-billing' } }) : undefined;
}
