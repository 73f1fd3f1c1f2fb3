import { Inject, Injectable } from '@nestjs/common';
import { addAllToOutbox, OutgoingEvent } from '@comply/messaging';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { BillingConfig } from '../billing-settings';
import { BillingTransaction } from '../database/billing-database';
import { DunningSchedule } from '../dunning/dunning-schedule';
import { AccountDecision, AccountState, decideAccount, FREE_PLAN, PlanSource, transitionsOf, DecidedStatus } from './account-decision';
import { accountAudit } from './account-audit';
import { AccountReconciler, ReconciliationCause } from './account-reconciler';
import { AccountsRepository } from './accounts.repository';
import { BILLING_CLOCK, BillingClock } from './billing-clock';

/** A tenant's billing account as last decided. */
export interface TenantAccount {
  tenantId: string;
  planCode: string;
  planSource: PlanSource;
  status: DecidedStatus;
  /** While past due: when the quota drops unless the invoice is paid. */
  graceEndsAt: Date | null;
  /** Records a month core-store admits for the tenant (2147483647: unlimited). */
  quota: number;
}

/**
 * The one writer of tenant_accounts. Opens the account on first sight, follows the dunning of the
 * tenant's invoices, decides plan, status and quota (decideAccount), and acts on what changed in
 * the caller's transaction: `billing.quota.changed.v1` when the quota differs from the one
 * published last, and one `audit.event.v1` per transition.
 */
@Injectable()
export class AccountReconcilerService implements AccountReconciler {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    @Inject(BILLING_CLOCK) private readonly clock: BillingClock,
    private readonly accounts: AccountsRepository,
    private readonly dunning: DunningSchedule,
  ) {}

  async reconcile(tx: BillingTransaction, tenantId: string, cause: ReconciliationCause): Promise<void> {
    await this.decide(tx, tenantId, cause);
  }

  /** reconcile, with an operator's override set (a plan code of the catalogue) or lifted (null) on the way. */
  async decide(tx: BillingTransaction, tenantId: string, cause: ReconciliationCause, override?: string | null): Promise<TenantAccount> {
    const now = this.clock.now();
    const opened = await this.accounts.open(tx, tenantId);
    const current = await this.accounts.lock(tx, tenantId);
    const subscriptionPlan = await this.accounts.liveSubscriptionPlan(tx, tenantId);
    const dunning = await this.dunning.follow(tx, tenantId, now, cause);
    const candidates = [FREE_PLAN, current.planCode, subscriptionPlan, override].filter((code): code is string => typeof code === 'string');
    const decision = decideAccount({
      current,
      override,
      subscriptionPlan,
      dunning,
      includedRecords: await this.accounts.includedRecords(tx, [...new Set(candidates)]),
      restrictedQuota: this.config.DUNNING_RESTRICTED_QUOTA,
    });

    const events: OutgoingEvent[] = [];
    const quotaPublishedAt = decision.quota === current.publishedQuota ? undefined : publicationTime(now, current.quotaPublishedAt);
    if (quotaPublishedAt) events.push(quotaChanged(tenantId, decision, quotaPublishedAt, cause));
    if (opened) {
      events.push(accountAudit(tenantId, 'open', describe(decision), cause, now));
    } else {
      for (const transition of transitionsOf(current, decision)) {
        events.push(accountAudit(tenantId, transition, { ...describe(decision), previous: describe(current) }, cause, now));
      }
    }
    if (quotaPublishedAt || differs(current, decision)) await this.accounts.save(tx, tenantId, decision, quotaPublishedAt);
    await addAllToOutbox(tx, events);
    return { tenantId, ...decision };
  }
}

/**
 * core-store applies a quota change only when it is newer than the last one it applied, so each
 * publication carries a later instant than the one before, even within one millisecond.
 */
function publicationTime(now: Date, lastPublishedAt: Date | null): Date {
  return lastPublishedAt && lastPublishedAt.getTime() >= now.getTime() ? new Date(lastPublishedAt.getTime() + 1) : now;
}

function quotaChanged(tenantId: string, decision: AccountDecision, occurredAt: Date, cause: ReconciliationCause): OutgoingEvent<'billing.quota.changed.v1'> {
  return {
    type: 'billing.quota.changed.v1',
    payload: { tenantId, plan: decision.planCode, quota: { monthlyRecords: decision.quota }, occurredAt: occurredAt.toISOString() },
    tenantId,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
  };
}

function differs(current: AccountState, decision: AccountDecision): boolean {
  return (
    current.planCode !== decision.planCode ||
    current.planSource !== decision.planSource ||
    current.status !== decision.status ||
    current.graceEndsAt?.getTime() !== decision.graceEndsAt?.getTime()
  );
}

/** The audit details of an account state: what was decided, never personal data. */
function describe(state: AccountState | AccountDecision): Record<string, unknown> {
  return {
    plan: state.planCode,
    planSource: state.planSource,
    status: state.status,
    quota: 'quota' in state ? state.quota : state.publishedQuota,
    ...(state.graceEndsAt ? { graceEndsAt: state.graceEndsAt.toISOString() } : {}),
  };
}
