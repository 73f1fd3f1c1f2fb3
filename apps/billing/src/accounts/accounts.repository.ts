import { Injectable } from '@nestjs/common';
import { directoryTenants } from '@comply/tenant-directory';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { plans, subscriptions, tenantAccounts } from '../database/schema';
import { AccountDecision, AccountState, FREE_PLAN } from './account-decision';

/** Subscription statuses that keep the subscription's plan in force. */
const LIVE_SUBSCRIPTION_STATUSES = ['active', 'trialing', 'past_due'] as const;

export interface MeteredPlan {
  planCode: string;
  includedRecords: number | null;
}

/** What metering needs to know about a tenant before counting its records. */
export interface MeteringAccount {
  /** Absent until the tenant's account is opened. */
  plan?: MeteredPlan;
  /** The tenant directory replica holds the tenant as erased: nothing of it is counted any more. */
  erased: boolean;
}

/** tenant_accounts and the facts a decision reads, in the tenant's transaction. */
@Injectable()
export class AccountsRepository {
  /** Opens the account on the free plan unless it exists; says whether it did. */
  async open(tx: BillingTransaction, tenantId: string): Promise<boolean> {
    const opened = await tx
      .insert(tenantAccounts)
      .values({ tenantId, planCode: FREE_PLAN, planSource: 'default' })
      .onConflictDoNothing()
      .returning({ tenantId: tenantAccounts.tenantId });
    return opened.length > 0;
  }

  /** The account, locked until the transaction ends, so two decisions for one tenant never interleave. */
  async lock(tx: BillingTransaction, tenantId: string): Promise<AccountState & { quotaPublishedAt: Date | null }> {
    const [account] = await tx
      .select({
        planCode: tenantAccounts.planCode,
        planSource: tenantAccounts.planSource,
        status: tenantAccounts.status,
        graceEndsAt: tenantAccounts.graceEndsAt,
        publishedQuota: tenantAccounts.publishedQuota,
        quotaPublishedAt: tenantAccounts.quotaPublishedAt,
      })
      .from(tenantAccounts)
      .where(eq(tenantAccounts.tenantId, tenantId))
      .for('update');
    if (!account) throw new Error(`tenant_accounts has no row for tenant ${tenantId}`);
    return account;
  }

  /** The plan of the newest live subscription that names a plan of the catalogue. */
  async liveSubscriptionPlan(tx: BillingTransaction, tenantId: string): Promise<string | undefined> {
    const [live] = await tx
      .select({ planCode: subscriptions.planCode })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.tenantId, tenantId),
          inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
          isNull(subscriptions.deletedAt),
          sql`${subscriptions.planCode} is not null`,
        ),
      )
      .orderBy(sql`${subscriptions.currentPeriodStart} desc nulls last`, desc(subscriptions.createdAt))
      .limit(1);
    return live?.planCode ?? undefined;
  }

  /** included_records of the plans named (null: unlimited); unknown codes are absent. */
  async includedRecords(tx: BillingTransaction, planCodes: string[]): Promise<Map<string, number | null>> {
    const rows = await tx.select({ code: plans.code, includedRecords: plans.includedRecords }).from(plans).where(inArray(plans.code, planCodes));
    return new Map(rows.map((row) => [row.code, row.includedRecords]));
  }

  async planExists(tx: BillingTransaction, planCode: string): Promise<boolean> {
    const [plan] = await tx.select({ code: plans.code }).from(plans).where(eq(plans.code, planCode));
    return plan !== undefined;
  }

  /** Stores a decision; `quotaPublishedAt` only when its quota was published now. */
  async save(tx: BillingTransaction, tenantId: string, decision: AccountDecision, quotaPublishedAt: Date | undefined): Promise<void> {
    await tx
      .update(tenantAccounts)
      .set({
        planCode: decision.planCode,
        planSource: decision.planSource,
        status: decision.status,
        graceEndsAt: decision.graceEndsAt,
        ...(quotaPublishedAt ? { publishedQuota: decision.quota, quotaPublishedAt } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(tenantAccounts.tenantId, tenantId));
  }

  /** The account's plan, and whether the directory replica holds the tenant as erased, in one round trip. */
  async meteringAccount(tx: BillingTransaction, tenantId: string): Promise<MeteringAccount> {
    const result = await tx.execute<{ plan_code: string | null; included_records: number | null; erased: boolean }>(sql`
      select account.plan_code, plan.included_records,
        exists (select 1 from ${directoryTenants} where tenant_id = ${tenantId} and status = 'erased') as erased
      from (select 1) as one
      left join ${tenantAccounts} as account on account.tenant_id = ${tenantId}
      left join ${plans} as plan on plan.code = account.plan_code`);
    const [row] = result.rows;
    return {
      erased: row.erased,
      plan: row.plan_code === null ? undefined : { planCode: row.plan_code, includedRecords: row.included_records },
    };
  }
}
