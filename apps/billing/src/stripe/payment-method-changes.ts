import { Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { AppliedStripeEvent, newestVersion, StripeObjectChanges } from './applied-stripe-event';
import { removableChangeApplies } from './stripe-change-order';
import { parseStripeObject, stripePaymentMethod } from './stripe-objects';
import { StripePaymentsRepository } from './stripe-payments.repository';
import { storedOrInserted } from './stored-or-inserted';

/**
 * payment_method.attached / detached: the tenant's payment methods, of a card only its brand, last
 * four digits and expiry (Stripe never sends more, and billing keeps no more). A detachment is final.
 */
@Injectable()
export class PaymentMethodChanges implements StripeObjectChanges {
  constructor(private readonly payments: StripePaymentsRepository) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const method = parseStripeObject(stripePaymentMethod, event.object, 'payment method');
    const removes = event.type === 'payment_method.detached';
    const values = {
      stripePaymentMethodId: method.id,
      tenantId: event.tenantId,
      stripeCustomerId: method.customer ?? null,
      type: method.type,
      brand: method.card?.brand ?? null,
      last4: method.card?.last4 ?? null,
      expMonth: method.card?.exp_month ?? null,
      expYear: method.card?.exp_year ?? null,
      detachedAt: removes ? event.createdAt : null,
      stripeUpdatedAt: event.createdAt,
    };
    const row = await storedOrInserted(
      'payment method',
      () => this.payments.lockPaymentMethod(tx, method.id),
      () => this.payments.insertPaymentMethod(tx, values),
    );
    if (!row.stored) return;
    const { stored } = row;
    if (!removableChangeApplies({ stripeUpdatedAt: stored.stripeUpdatedAt, removedAt: stored.detachedAt }, { at: event.createdAt, removes })) return;
    // A detached payment method names no customer any more: keep the one it had.
    await this.payments.updatePaymentMethod(tx, {
      ...values,
      stripeCustomerId: values.stripeCustomerId ?? stored.stripeCustomerId,
      stripeUpdatedAt: newestVersion(stored.stripeUpdatedAt, event.createdAt),
    });
  }
}
