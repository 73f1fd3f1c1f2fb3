import { ConflictException, NotFoundException } from '@nestjs/common';
import { createTenantRequest } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { CoreDatabase, CoreTransaction } from '../database/core-database';
import { TenantRow, TenantsAdminRepository } from './tenants-admin.repository';

const tenantIdShape = createTenantRequest.shape.id;

export function unknownTenant(id: string): NotFoundException {
  return new NotFoundException(`Tenant "${id}" does not exist`);
}

/**
 * A transaction in the context of the tenant a route names. An id no tenant can have is unknown
 * (404) before it reaches the database.
 */
export function inTenant<T>(database: CoreDatabase, id: string, work: (tx: CoreTransaction) => Promise<T>): Promise<T> {
  if (!tenantIdShape.safeParse(id).success) return Promise.reject(unknownTenant(id));
  return withTenant(database.db, id, work);
}

/** The tenant of the transaction, or 404. */
export async function existingTenant(tx: CoreTransaction, tenants: TenantsAdminRepository, id: string): Promise<TenantRow> {
  const tenant = await tenants.findTenant(tx, id);
  if (!tenant) throw unknownTenant(id);
  return tenant;
}

/** The tenant of the transaction, or 404; locked until the transaction ends, so concurrent changes to it take turns. */
export async function lockedTenant(tx: CoreTransaction, tenants: TenantsAdminRepository, id: string): Promise<TenantRow> {
  const tenant = await tenants.findTenant(tx, id, true);
  if (!tenant) throw unknownTenant(id);
  return tenant;
}

/** The tenant of the transaction, locked for a change: 404 when unknown, 409 once erased (erasure is final). */
export async function changeableTenant(tx: CoreTransaction, tenants: TenantsAdminRepository, id: string): Promise<TenantRow> {
  const tenant = await lockedTenant(tx, tenants, id);
  if (tenant.status === 'erased') throw new ConflictException(`Tenant "${id}" is erased and can no longer be changed`);
  return tenant;
}
