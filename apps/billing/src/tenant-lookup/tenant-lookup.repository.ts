import { Injectable } from '@nestjs/common';
import type { TenantStatus } from '@comply/contracts';
import { directoryTenants } from '@comply/tenant-directory';
import { eq } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { tenantAccounts } from '../database/schema';

/** What billing knows of a tenant: from its replica of the tenant directory and its own account row. */
export interface KnownTenant {
  /** Undefined while the directory replica has not heard of the tenant. */
  directoryStatus: TenantStatus | undefined;
  hasAccount: boolean;
}

/** SQL of finding the tenant an operator's route names; runs inside that tenant's transaction. */
@Injectable()
export class TenantLookupRepository {
  async find(tx: BillingTransaction, tenantId: string): Promise<KnownTenant> {
    const [directory] = await tx.select({ status: directoryTenants.status }).from(directoryTenants).where(eq(directoryTenants.tenantId, tenantId));
    const [account] = await tx.select({ tenantId: tenantAccounts.tenantId }).from(tenantAccounts).where(eq(tenantAccounts.tenantId, tenantId));
    return { directoryStatus: directory?.status, hasAccount: account !== undefined };
  }
}
