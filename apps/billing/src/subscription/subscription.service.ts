import { Inject, Injectable } from '@nestjs/common';
import type { BillingSubscriptionResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { billingSubscriptionOf } from './subscription-view';
import { PlanRow, SubscriptionRepository, TenantAccountRow } from './subscription.repository';

/** A tenant's plan, billing status, Stripe subscription and quota, as billing decided them. */
@Injectable()
export class SubscriptionService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly repository: SubscriptionRepository,
  ) {}

  view(tenantId: string): Promise<BillingSubscriptionResponse> {
    return withTenant(this.database.db, tenantId, (tx) => this.viewIn(tx, tenantId));
  }

  /** The same view inside a transaction already in the tenant's context (after an operator's change). */
  async viewIn(tx: BillingTransaction, tenantId: string): Promise<BillingSubscriptionResponse> {
    const { plan, account } = await this.planOf(tx, tenantId);
    return billingSubscriptionOf(tenantId, plan, account, await this.repository.findLiveSubscription(tx, tenantId));
  }

  /** The tenant's plan and account; a tenant without an account is on the free plan. */
  async planOf(tx: BillingTransaction, tenantId: string): Promise<{ plan: PlanRow; account: TenantAccountRow | undefined }> {
    const found = await this.repository.findAccount(tx, tenantId);
    return found ?? { plan: await this.repository.freePlan(tx), account: undefined };
  }
}
