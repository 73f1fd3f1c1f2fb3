import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { plans, subscriptions, tenantAccounts } from '../database/schema';

export type PlanRow = typeof plans.$inferSelect;
export type TenantAccountRow = typeof tenantAccounts.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** Statuses after which a Stripe subscription no longer bills or entitles anything. */
const ENDED_STATUSES = ['canceled', 'incomplete_expired'] as const;

/** SQL of reading a tenant's account, plan and Stripe subscription; every call runs inside the tenant's transaction. */
@Injectable()
export class SubscriptionRepository {
  async findAccount(tx: BillingTransaction, tenantId: string): Promise<{ account: TenantAccountRow; plan: PlanRow } | undefined> {
    const [row] = await tx
      .select({ account: tenantAccounts, plan: plans })
      .from(tenantAccounts)
      .innerJoin(plans, eq(plans.code, tenantAccounts.planCode))
      .where(eq(tenantAccounts.tenantId, tenantId));
    return row;
  }

  /** The free tier new tenants start on (the seed has exactly one). */
  async freePlan(tx: BillingTransaction): Promise<PlanRow> {
    const [plan] = await tx.select().from(plans).where(eq(plans.isFree, true)).orderBy(asc(plans.code)).limit(1);
    if (!plan) throw new Error('The plan catalogue has no free plan (is_free): migrations/billing seeds one');
    return plan;
  }

  /** The newest subscription that has not ended (whatever its plan, so an incomplete or unpaid one shows too), or undefined. */
  async findLiveSubscription(tx: BillingTransaction, tenantId: string): Promise<SubscriptionRow | undefined> {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.tenantId, tenantId), isNull(subscriptions.deletedAt), notInArray(subscriptions.status, [...ENDED_STATUSES])))
      .orderBy(sql`${subscriptions.currentPeriodStart} desc nulls last`, desc(subscriptions.createdAt), desc(subscriptions.stripeSubscriptionId))
      .limit(1);
    return row;
  }
}
