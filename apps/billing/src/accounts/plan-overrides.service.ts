import { BadRequestException, Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { ReconciliationCause } from './account-reconciler';
import { AccountReconcilerService, TenantAccount } from './account-reconciler.service';
import { AccountsRepository } from './accounts.repository';

/**
 * Operators' plan overrides: a plan that wins over the tenant's subscription and the free tier
 * until it is lifted. The caller (the operator API) audits the request itself; the account's
 * transition is audited by the reconciliation.
 */
@Injectable()
export class PlanOverrides {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly reconciler: AccountReconcilerService,
  ) {}

  /**
   * Sets the tenant's plan to `planCode` (null lifts the override: the subscription or the free
   * tier decides again), opening the account if needed, and reconciles in `tx`, which must be in
   * the tenant's context. A plan not in the catalogue is a 400 naming `planCode`.
   */
  async setOverride(tx: BillingTransaction, tenantId: string, planCode: string | null, cause: ReconciliationCause): Promise<TenantAccount> {
    if (planCode !== null && !(await this.accounts.planExists(tx, planCode))) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `Invalid planCode: there is no plan "${planCode}"` });
    }
    return this.reconciler.decide(tx, tenantId, cause, planCode);
  }
}
