import type { BillingSubscriptionResponse, LiveSubscription, PlanSummary } from '@comply/contracts';
import { UNLIMITED_QUOTA } from '../accounts/account-decision';
import { PlanRow, SubscriptionRow, TenantAccountRow } from './subscription.repository';

/** Rows as GET /v1/billing/subscription answers them (contracts in libs/contracts/src/http/billing/tenant-billing-api.ts). */

export function planSummaryOf(plan: PlanRow): PlanSummary {
  return {
    code: plan.code,
    name: plan.name,
    priceMinor: plan.priceMinor,
    currency: plan.currency,
    interval: plan.interval,
    includedRecords: plan.includedRecords,
    overagePriceMinorPer1000: plan.overagePriceMinorPer1000,
  };
}

export function liveSubscriptionOf(row: SubscriptionRow): LiveSubscription {
  return {
    id: row.stripeSubscriptionId,
    status: row.status,
    planCode: row.planCode,
    currentPeriodStart: row.currentPeriodStart?.toISOString() ?? null,
    currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
    trialEnd: row.trialEnd?.toISOString() ?? null,
    cancelAt: row.cancelAt?.toISOString() ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  };
}

/**
 * The tenant's billing picture. Without an account row the tenant is on the free tier, active,
 * by default. The quota is what billing last sent core-store (whose largest value means unlimited);
 * before it sent any, the plan's.
 */
export function billingSubscriptionOf(
  tenantId: string,
  plan: PlanRow,
  account: TenantAccountRow | undefined,
  subscription: SubscriptionRow | undefined,
): BillingSubscriptionResponse {
  return {
    tenantId,
    plan: planSummaryOf(plan),
    source: account?.planSource ?? 'default',
    status: account?.status ?? 'active',
    graceEndsAt: account?.graceEndsAt?.toISOString() ?? null,
    subscription: subscription ? liveSubscriptionOf(subscription) : null,
    quota: { monthlyRecords: quotaOf(account?.publishedQuota ?? null, plan) },
  };
}

function quotaOf(publishedQuota: number | null, plan: PlanRow): number | null {
  if (publishedQuota === null) return plan.includedRecords;
  return publishedQuota === UNLIMITED_QUOTA ? null : publishedQuota;
}
