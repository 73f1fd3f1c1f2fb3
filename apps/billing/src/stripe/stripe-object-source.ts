import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE_CLIENT } from './stripe-client';

type StripeObject = Record<string, unknown>;

/** How to fetch each kind of object billing handles, by its `object` field. */
const RETRIEVE = new Map<string, (stripe: Stripe, id: string) => Promise<unknown>>([
  ['customer', (stripe, id) => stripe.customers.retrieve(id)],
  ['subscription', (stripe, id) => stripe.subscriptions.retrieve(id)],
  ['invoice', (stripe, id) => stripe.invoices.retrieve(id)],
  ['payment_intent', (stripe, id) => stripe.paymentIntents.retrieve(id)],
  ['charge', (stripe, id) => stripe.charges.retrieve(id)],
  ['dispute', (stripe, id) => stripe.disputes.retrieve(id)],
  ['payment_method', (stripe, id) => stripe.paymentMethods.retrieve(id)],
  ['checkout.session', (stripe, id) => stripe.checkout.sessions.retrieve(id)],
]);

/**
 * The object a Stripe event is about, as billing should apply it. With STRIPE_API_KEY set it is
 * fetched from Stripe, so a stale or reordered payload never decides the state; an object Stripe
 * no longer has (a deleted draft invoice) falls back to the payload. Without a key it is the
 * payload, and the ordering rules (stripe-change-order.ts) keep stale payloads out.
 */
@Injectable()
export class StripeObjectSource {
  constructor(@Inject(STRIPE_CLIENT) private readonly stripe: Stripe | undefined) {}

  async current(payloadObject: StripeObject): Promise<StripeObject> {
    const retrieve = typeof payloadObject.object === 'string' ? RETRIEVE.get(payloadObject.object) : undefined;
    if (!this.stripe || !retrieve || typeof payloadObject.id !== 'string') return payloadObject;
    try {
      return (await retrieve(this.stripe, payloadObject.id)) as StripeObject;
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return payloadObject;
      throw error;
    }
  }
}
