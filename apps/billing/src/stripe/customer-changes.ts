import { Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { AppliedStripeEvent, newestVersion, StripeObjectChanges } from './applied-stripe-event';
import { removableChangeApplies } from './stripe-change-order';
import { StripeCustomersRepository } from './stripe-customers.repository';
import { parseStripeObject, stripeCustomer } from './stripe-objects';
import { storedOrInserted } from './stored-or-inserted';

/** customer.created / updated / deleted: the tenant's Stripe customer; a deletion is final. */
@Injectable()
export class CustomerChanges implements StripeObjectChanges {
  constructor(private readonly customers: StripeCustomersRepository) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const customer = parseStripeObject(stripeCustomer, event.object, 'customer');
    const removes = event.type === 'customer.deleted' || customer.deleted === true;
    const values = {
      stripeCustomerId: customer.id,
      tenantId: event.tenantId,
      email: customer.email ?? null,
      name: customer.name ?? null,
      deletedAt: removes ? event.createdAt : null,
      stripeUpdatedAt: event.createdAt,
    };
    const row = await storedOrInserted(
      'customer',
      () => this.customers.lock(tx, customer.id),
      () => this.customers.insert(tx, values),
    );
    if (!row.stored) return;
    const { stored } = row;
    if (!removableChangeApplies({ stripeUpdatedAt: stored.stripeUpdatedAt, removedAt: stored.deletedAt }, { at: event.createdAt, removes })) return;
    // What the API returns for a deleted customer has no details: keep the stored ones.
    const details = customer.deleted ? { email: stored.email, name: stored.name } : {};
    await this.customers.update(tx, { ...values, ...details, stripeUpdatedAt: newestVersion(stored.stripeUpdatedAt, event.createdAt) });
  }

  /**
   * Records that a Stripe customer is the tenant's when an event ties them (a checkout session, a
   * subscription's metadata) before any customer event does; the customer's own events fill in the rest.
   */
  async link(tx: BillingTransaction, customerId: string, tenantId: string): Promise<void> {
    await storedOrInserted(
      'customer',
      () => this.customers.lock(tx, customerId),
      () => this.customers.insert(tx, { stripeCustomerId: customerId, tenantId }),
    );
  }
}
