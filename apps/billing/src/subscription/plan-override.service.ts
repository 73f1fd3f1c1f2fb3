import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { BillingSubscriptionResponse } from '@comply/contracts';
import { PlanOverrides } from '../accounts/plan-overrides.service';
import { BillingTransaction } from '../database/billing-database';
import { PlansRepository } from '../plans/plans.repository';
import { TenantLookup } from '../tenant-lookup/tenant-lookup';
import { SubscriptionService } from './subscription.service';
import { recordAdminAction } from '@comply/tenant-directory';

/**
 * An operator deciding a tenant's plan whatever its subscription says, and lifting that decision.
 * The accounts side (PlanOverrides) stores it and reconciles the tenant's quota in the same
 * transaction, auditing the account's transition; this audits the operator's request.
 */
@Injectable()
export class PlanOverrideService {
  constructor(
    private readonly tenants: TenantLookup,
    private readonly plans: PlansRepository,
    private readonly overrides: PlanOverrides,
    private readonly subscriptions: SubscriptionService,
  ) {}

  set(tenantId: string, planCode: string, requestId: string): Promise<BillingSubscriptionResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const plan = await this.plans.find(tx, planCode);
      if (!plan) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid body: planCode',
          issues: [{ path: 'planCode', message: `There is no plan "${planCode}"` }],
        });
      }
      if (!plan.active) throw new ConflictException(`Plan "${planCode}" is inactive: it takes no new tenants`);
      const previous = await this.currentOverride(tx, tenantId);
      await this.overrides.setOverride(tx, tenantId, planCode, { correlationId: requestId });
      await recordAdminAction(tx, { action: 'plan_override.set', resource: { type: 'plan_override', id: tenantId }, tenantId, requestId, details: { planCode, previous } });
      return this.subscriptions.viewIn(tx, tenantId);
    });
  }

  /** 404 when the tenant has no override: nothing to lift. */
  remove(tenantId: string, requestId: string): Promise<BillingSubscriptionResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const previous = await this.currentOverride(tx, tenantId);
      if (previous === null) throw new NotFoundException('The tenant has no plan override');
      await this.overrides.setOverride(tx, tenantId, null, { correlationId: requestId });
      await recordAdminAction(tx, { action: 'plan_override.remove', resource: { type: 'plan_override', id: tenantId }, tenantId, requestId, details: { previous } });
      return this.subscriptions.viewIn(tx, tenantId);
    });
  }

  private async currentOverride(tx: BillingTransaction, tenantId: string): Promise<string | null> {
    const { plan, account } = await this.subscriptions.planOf(tx, tenantId);
    return account?.planSource === 'override' ? plan.code : null;
  }
}
