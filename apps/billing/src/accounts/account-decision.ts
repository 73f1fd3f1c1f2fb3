import type { TENANT_BILLING_STATUSES } from '../database/schema';

export type TenantBillingStatus = (typeof TENANT_BILLING_STATUSES)[number];
/** The statuses billing decides; `canceled` is left to whoever ends an account. */
export type DecidedStatus = Exclude<TenantBillingStatus, 'canceled'>;
export type PlanSource = 'default' | 'subscription' | 'override';
export type RestrictedQuota = 'free' | 'zero';

/** The plan every tenant starts on and falls back to without a live subscription or an override. */
export const FREE_PLAN = 'free';
/** core-store's quota is a 32-bit count: an unlimited plan (no included_records) publishes its largest value. */
export const UNLIMITED_QUOTA = 2_147_483_647;

/** What tenant_accounts holds for a tenant: billing's last decision. */
export interface AccountState {
  planCode: string;
  planSource: PlanSource;
  status: TenantBillingStatus;
  graceEndsAt: Date | null;
  publishedQuota: number | null;
}

/** Where the tenant stands with its invoices (dunning). */
export interface DunningFacts {
  /** An open invoice whose payment failed at least once. */
  pastDue: boolean;
  /** The grace period of a still unpaid invoice has ended (its `restricted` step was taken). */
  restricted: boolean;
  /** When the earliest pending grace period ends; null when none is pending. */
  graceEndsAt: Date | null;
}

export interface AccountFacts {
  current: AccountState;
  /**
   * An operator's plan for the tenant: a code sets it, null lifts it, undefined keeps what the
   * account holds (an existing override stays in force).
   */
  override?: string | null;
  /** The plan of the tenant's live subscription (active, trialing or past due), if any. */
  subscriptionPlan?: string;
  dunning: DunningFacts;
  /** included_records of the plans the decision may pick (the candidates and the free plan); null: unlimited. */
  includedRecords: ReadonlyMap<string, number | null>;
  restrictedQuota: RestrictedQuota;
}

export interface AccountDecision {
  planCode: string;
  planSource: PlanSource;
  status: DecidedStatus;
  graceEndsAt: Date | null;
  /** Records a month core-store admits for the tenant. */
  quota: number;
}

/** A change of the decision that the audit trail records. */
export type AccountTransition = 'plan_change' | 'past_due' | 'restrict' | 'recover' | 'quota_change';

/**
 * Plan: an operator's override wins, then the live subscription's plan, then the free plan.
 * Status: restricted once the grace period of an unpaid invoice ended, past due while one is unpaid,
 * active otherwise. Quota: the plan's included records, lowered to the free tier's (or zero) while restricted.
 */
export function decideAccount(facts: AccountFacts): AccountDecision {
  const override = facts.override === undefined ? (facts.current.planSource === 'override' ? facts.current.planCode : null) : facts.override;
  const [planCode, planSource]: [string, PlanSource] =
    override !== null ? [override, 'override'] : facts.subscriptionPlan ? [facts.subscriptionPlan, 'subscription'] : [FREE_PLAN, 'default'];
  const status: DecidedStatus = facts.dunning.restricted ? 'restricted' : facts.dunning.pastDue ? 'past_due' : 'active';
  const planQuota = quotaOf(facts.includedRecords, planCode);
  const quota = status === 'restricted' ? Math.min(planQuota, facts.restrictedQuota === 'zero' ? 0 : quotaOf(facts.includedRecords, FREE_PLAN)) : planQuota;
  return { planCode, planSource, status, graceEndsAt: status === 'past_due' ? facts.dunning.graceEndsAt : null, quota };
}

/** The transitions from `current` to `decision`, each audited once; a quota change alone is one too. */
export function transitionsOf(current: AccountState, decision: AccountDecision): AccountTransition[] {
  const transitions: AccountTransition[] = [];
  if (decision.planCode !== current.planCode || decision.planSource !== current.planSource) transitions.push('plan_change');
  if (decision.status !== current.status) transitions.push(STATUS_TRANSITIONS[decision.status]);
  if (transitions.length === 0 && decision.quota !== current.publishedQuota) transitions.push('quota_change');
  return transitions;
}

const STATUS_TRANSITIONS: Record<DecidedStatus, AccountTransition> = { active: 'recover', past_due: 'past_due', restricted: 'restrict' };

function quotaOf(includedRecords: ReadonlyMap<string, number | null>, planCode: string): number {
  const included = includedRecords.get(planCode);
  if (included === undefined) throw new Error(`Plan "${planCode}" is not among the plans the decision was given`);
  return included ?? UNLIMITED_QUOTA;
}
