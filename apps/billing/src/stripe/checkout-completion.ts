import { Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { AppliedStripeEvent, StripeObjectChanges } from './applied-stripe-event';
import { CustomerChanges } from './customer-changes';
import { parseStripeObject, stripeCheckoutSession } from './stripe-objects';

/**
 * checkout.session.completed: the tenant (`client_reference_id`, set when billing opened the
 * checkout) becomes the owner of the customer Stripe created, so that the customer's events
 * (subscription, invoices) resolve to it. The subscription itself arrives with its own events.
 */
@Injectable()
export class CheckoutCompletion implements StripeObjectChanges {
  constructor(private readonly customers: CustomerChanges) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const session = parseStripeObject(stripeCheckoutSession, event.object, 'checkout session');
    if (session.customer) await this.customers.link(tx, session.customer, event.tenantId);
  }
}
