import { Inject, Injectable } from '@nestjs/common';
import { addToOutbox } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { LOGGER } from '@comply/service-runtime';
import { ACCOUNT_RECONCILER, AccountReconciler } from '../accounts/account-reconciler';
import { BillingTransaction } from '../database/billing-database';
import { AppliedStripeEvent, newestVersion, StripeObjectChanges, stripeTime } from './applied-stripe-event';
import { CustomerChanges } from './customer-changes';
import { subscriptionChangeApplies } from './stripe-change-order';
import { parseStripeObject, StripeSubscription, stripeSubscription } from './stripe-objects';
import { PlanRow, StripeSubscriptionsRepository, SubscriptionRow, SubscriptionValues } from './stripe-subscriptions.repository';
import { storedOrInserted } from './stored-or-inserted';

/** What billing.subscription.changed.v1 reports; a change of anything else is not announced. */
const ANNOUNCED_FIELDS = ['status', 'planCode', 'currentPeriodEnd', 'cancelAtPeriodEnd', 'cancelAt', 'deletedAt'] as const;

/**
 * customer.subscription.created / updated / deleted / trial_will_end: the tenant's subscription,
 * its plan (through the item's price) and period. A change that applies is announced with
 * billing.subscription.changed.v1 and handed to the account reconciler, in the event's transaction.
 */
@Injectable()
export class SubscriptionChanges implements StripeObjectChanges {
  constructor(
    private readonly subscriptions: StripeSubscriptionsRepository,
    private readonly customers: CustomerChanges,
    @Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const subscription = parseStripeObject(stripeSubscription, event.object, 'subscription');
    await this.customers.link(tx, subscription.customer, event.tenantId);
    const plan = await this.subscriptions.planOf(
      tx,
      subscription.items.data.map((item) => ({ id: item.price.id, lookupKey: item.price.lookup_key ?? null })),
    );
    const ends = event.type === 'customer.subscription.deleted' || subscription.status === 'canceled';
    const values = subscriptionValues(subscription, plan, event, ends);
    const row = await storedOrInserted(
      'subscription',
      () => this.subscriptions.lock(tx, subscription.id),
      () => this.subscriptions.insert(tx, values),
    );
    let after: SubscriptionRow;
    if (row.stored) {
      if (!subscriptionChangeApplies(row.stored, { at: event.createdAt, status: subscription.status, ends })) return;
      after = await this.subscriptions.update(tx, { ...values, stripeUpdatedAt: newestVersion(row.stored.stripeUpdatedAt, event.createdAt) });
    } else {
      after = row.inserted;
    }
    if (announced(row.stored, after)) await this.announce(tx, event, subscription, plan, after);
    await this.reconciler.reconcile(tx, event.tenantId, { correlationId: event.id, causationId: event.id });
  }

  private async announce(tx: BillingTransaction, event: AppliedStripeEvent, subscription: StripeSubscription, plan: PlanRow | undefined, row: SubscriptionRow): Promise<void> {
    if (!plan) {
      // The event's plan is required and no plan can be guessed; the row keeps plan_code null for operators to see.
      this.logger.warn(
        { stripeEventId: event.id, stripeSubscriptionId: row.stripeSubscriptionId, tenantId: event.tenantId },
        'subscription price matches no plan (plans.stripe_price_id or a lookup key equal to a plan code): billing.subscription.changed.v1 not published',
      );
      return;
    }
    const item = subscription.items.data.find((candidate) => candidate.price.id === row.stripePriceId);
    const interval = item?.price.recurring?.interval;
    await addToOutbox(tx, {
      type: 'billing.subscription.changed.v1',
      payload: {
        tenantId: event.tenantId,
        stripeCustomerId: row.stripeCustomerId,
        stripeSubscriptionId: row.stripeSubscriptionId,
        plan: plan.code,
        status: row.status,
        amount: item?.price.unit_amount ?? plan.priceMinor,
        currency: item?.price.currency ?? plan.currency,
        interval: interval === 'month' || interval === 'year' ? interval : plan.interval,
        currentPeriodEnd: row.currentPeriodEnd?.toISOString(),
        cancelAtPeriodEnd: row.cancelAtPeriodEnd,
        occurredAt: event.createdAt.toISOString(),
      },
      tenantId: event.tenantId,
      correlationId: event.id,
      causationId: event.id,
    });
  }
}

function subscriptionValues(subscription: StripeSubscription, plan: PlanRow | undefined, event: AppliedStripeEvent, ends: boolean): SubscriptionValues {
  const items = subscription.items.data;
  // The item whose price names the plan; else the first, so the stored price shows what Stripe charges.
  const item = items.find((candidate) => plan && (candidate.price.id === plan.stripePriceId || candidate.price.lookup_key === plan.code)) ?? items[0];
  return {
    stripeSubscriptionId: subscription.id,
    tenantId: event.tenantId,
    stripeCustomerId: subscription.customer,
    planCode: plan?.code ?? null,
    stripePriceId: item?.price.id ?? null,
    status: subscription.status,
    currentPeriodStart: stripeTime(item?.current_period_start ?? subscription.current_period_start),
    currentPeriodEnd: stripeTime(item?.current_period_end ?? subscription.current_period_end),
    trialEnd: stripeTime(subscription.trial_end),
    cancelAt: stripeTime(subscription.cancel_at),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    canceledAt: stripeTime(subscription.canceled_at),
    deletedAt: ends ? (stripeTime(subscription.ended_at ?? subscription.canceled_at) ?? event.createdAt) : null,
    stripeUpdatedAt: event.createdAt,
  };
}

/** A new subscription, or a change of what billing.subscription.changed.v1 reports. */
function announced(before: SubscriptionRow | undefined, after: SubscriptionRow): boolean {
  if (!before) return true;
  return ANNOUNCED_FIELDS.some((field) => comparable(before[field]) !== comparable(after[field]));
}

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value;
}
