import { Inject, Injectable } from '@nestjs/common';
import { ArrivalCause, TenantArrival } from '@comply/tenant-directory';
import { BillingTransaction } from '../database/billing-database';
import { ACCOUNT_RECONCILER, AccountReconciler } from './account-reconciler';

/**
 * A tenant new to billing's directory replica opens its account on the free plan, and its quota is
 * published at once, in the transaction that records the tenant (TenantDirectoryModule's arrival hook).
 */
@Injectable()
export class BillingTenantArrival implements TenantArrival<BillingTransaction> {
  constructor(@Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler) {}

  arrived(tx: BillingTransaction, tenantId: string, cause: ArrivalCause): Promise<void> {
    return this.reconciler.reconcile(tx, tenantId, cause);
  }
}
