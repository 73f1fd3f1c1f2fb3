import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { createTenantRequest } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { TenantLookupRepository } from './tenant-lookup.repository';

const tenantIdShape = createTenantRequest.shape.id;

/** Whether the operator reads the tenant's billing data or changes it (an erased tenant takes no changes). */
export type TenantAccess = 'read' | 'change';

/**
 * Transactions in the context of the tenant an operator's route names. A tenant is known once the
 * directory replica has it or billing has an account for it; an id no tenant can have, or one
 * billing never heard of, is 404 before anything is stored for it.
 */
@Injectable()
export class TenantLookup {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly tenants: TenantLookupRepository,
  ) {}

  inKnownTenant<T>(tenantId: string, access: TenantAccess, work: (tx: BillingTransaction) => Promise<T>): Promise<T> {
    if (!tenantIdShape.safeParse(tenantId).success) return Promise.reject(unknownTenant());
    return withTenant(this.database.db, tenantId, async (tx) => {
      const known = await this.tenants.find(tx, tenantId);
      if (known.directoryStatus === undefined && !known.hasAccount) throw unknownTenant();
      if (access === 'change' && known.directoryStatus === 'erased') throw new ConflictException(`Tenant "${tenantId}" is erased and can no longer be changed`);
      return work(tx);
    });
  }
}

function unknownTenant(): NotFoundException {
  return new NotFoundException('No such tenant: billing has not heard of it');
}
