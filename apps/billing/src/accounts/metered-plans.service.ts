import { Inject, Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { ACCOUNT_RECONCILER, AccountReconciler, ReconciliationCause } from './account-reconciler';
import { AccountsRepository, MeteredPlan } from './accounts.repository';

/** The plan usage is measured against, for metering: one query per tenant and batch once the account exists. */
@Injectable()
export class MeteredPlans {
  constructor(
    private readonly accounts: AccountsRepository,
    @Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler,
  ) {}

  /**
   * The tenant's plan; a tenant whose first sign is its usage gets its account (free plan, quota
   * published) here. Undefined for a tenant the directory replica holds as erased: nothing of it is
   * counted or opened any more.
   */
  async planOf(tx: BillingTransaction, tenantId: string, cause: ReconciliationCause): Promise<MeteredPlan | undefined> {
    const account = await this.accounts.meteringAccount(tx, tenantId);
    if (account.erased) return undefined;
    if (account.plan) return account.plan;
    await this.reconciler.reconcile(tx, tenantId, cause);
    return (await this.accounts.meteringAccount(tx, tenantId)).plan;
  }
}
