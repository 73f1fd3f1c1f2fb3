import { Injectable } from '@nestjs/common';
import { eq, inArray, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { plans, subscriptions } from '../database/schema';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionValues = Omit<typeof subscriptions.$inferInsert, 'createdAt' | 'updatedAt'>;
export type PlanRow = typeof plans.$inferSelect;

/** A subscription item's price, as Stripe names it. */
export interface PriceReference {
  id: string;
  lookupKey: string | null;
}

/** SQL of the local copies of Stripe subscriptions; every call runs in the tenant's transaction. */
@Injectable()
export class StripeSubscriptionsRepository {
  /** The stored subscription, locked until the transaction ends. */
  async lock(tx: BillingTransaction, id: string): Promise<SubscriptionRow | undefined> {
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, id)).for('update');
    return row;
  }

  /** The first version; undefined when a row of that id exists (perhaps another tenant's, which stays invisible). */
  async insert(tx: BillingTransaction, values: SubscriptionValues): Promise<SubscriptionRow | undefined> {
    const [row] = await tx.insert(subscriptions).values(values).onConflictDoNothing({ target: subscriptions.stripeSubscriptionId }).returning();
    return row;
  }

  async update(tx: BillingTransaction, values: SubscriptionValues): Promise<SubscriptionRow> {
    const [row] = await tx
      .update(subscriptions)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(subscriptions.stripeSubscriptionId, values.stripeSubscriptionId))
      .returning();
    return row;
  }

  /**
   * The plan of the first price that names one: by `plans.stripe_price_id`, else by the price's
   * lookup key equal to a plan code (Stripe's stable name for a price).
   */
  async planOf(tx: BillingTransaction, prices: PriceReference[]): Promise<PlanRow | undefined> {
    if (prices.length === 0) return undefined;
    const byPrice = await tx
      .select()
      .from(plans)
      .where(
        inArray(
          plans.stripePriceId,
          prices.map((price) => price.id),
        ),
      );
    for (const price of prices) {
      const plan = byPrice.find((candidate) => candidate.stripePriceId === price.id);
      if (plan) return plan;
    }
    const lookupKeys = prices.map((price) => price.lookupKey).filter((key): key is string => key !== null);
    if (lookupKeys.length === 0) return undefined;
    const byCode = await tx.select().from(plans).where(inArray(plans.code, lookupKeys));
    for (const key of lookupKeys) {
      const plan = byCode.find((candidate) => candidate.code === key);
      if (plan) return plan;
    }
    return undefined;
  }
}
