import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { CreatePlanRequest, PlanList, PlanResponse, UpdatePlanRequest } from '@comply/contracts';
import { enterTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { ACCOUNT_RECONCILER, AccountReconciler } from '../accounts/account-reconciler';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { planResponseOf } from './plan-view';
import { PlanRow, PlansRepository } from './plans.repository';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/** The plan catalogue as operators see and change it; platform-wide, so no tenant context. */
@Injectable()
export class PlansService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly plans: PlansRepository,
    @Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler,
  ) {}

  async list(): Promise<PlanList> {
    const rows = await this.database.db.transaction((tx) => this.plans.list(tx));
    return { items: rows.map(planResponseOf) };
  }

  create(request: CreatePlanRequest, requestId: string): Promise<PlanResponse> {
    return this.database.db.transaction(async (tx) => {
      if (request.stripePriceId) await this.priceUnused(tx, request.stripePriceId, request.code);
      const row = await this.plans.insert(tx, {
        code: request.code,
        name: request.name,
        stripePriceId: request.stripePriceId ?? null,
        priceMinor: request.priceMinor,
        currency: request.currency,
        interval: request.interval,
        includedRecords: request.includedRecords,
        overagePriceMinorPer1000: request.overagePriceMinorPer1000 ?? null,
        features: request.features ?? {},
        active: request.active,
      });
      if (!row) throw new ConflictException(`Plan "${request.code}" exists`);
      const response = planResponseOf(row);
      await recordAdminAction(tx, { action: 'plan.create', resource: { type: 'plan', id: row.code }, requestId, details: { ...response } });
      return response;
    });
  }

  update(code: string, request: UpdatePlanRequest, requestId: string): Promise<PlanResponse> {
    return this.database.db.transaction(async (tx) => {
      const current = await this.plans.find(tx, code, true);
      if (!current) throw new NotFoundException('No such plan');
      if (current.isFree && request.active === false) throw new ConflictException('The free plan cannot be deactivated: every new tenant starts on it');
      if (request.stripePriceId) await this.priceUnused(tx, request.stripePriceId, code);
      const before = planResponseOf(current);
      const row = await this.plans.update(tx, code, request);
      await recordAdminAction(tx, { action: 'plan.update', resource: { type: 'plan', id: code }, requestId, details: { changes: changeDetails(before, request) } });
      if (row.includedRecords !== current.includedRecords) await this.reconcileTenantsOn(tx, row, requestId);
      return planResponseOf(row);
    });
  }

  /**
   * The plan's included records are the quota of every tenant on it, and the free plan's also
   * that of restricted tenants: each is reconciled in this transaction, so core-store gets the new
   * quota with the change. The application role can list tenants but not read their accounts
   * across tenants, so each is visited in its own context.
   */
  private async reconcileTenantsOn(tx: BillingTransaction, plan: PlanRow, requestId: string): Promise<void> {
    for (const tenantId of await this.plans.tenantIds(tx)) {
      await enterTenant(tx, tenantId);
      const account = await this.plans.accountOf(tx, tenantId);
      const affected = account && (account.planCode === plan.code || (plan.isFree && account.status === 'restricted'));
      if (affected) await this.reconciler.reconcile(tx, tenantId, { correlationId: requestId });
    }
  }

  /** A Stripe price belongs to one plan: it is how a subscription's plan is found. */
  private async priceUnused(tx: BillingTransaction, stripePriceId: string, code: string): Promise<void> {
    const owner = await this.plans.findByStripePrice(tx, stripePriceId);
    if (owner && owner.code !== code) throw new ConflictException(`Stripe price "${stripePriceId}" belongs to plan "${owner.code}"`);
  }
}
