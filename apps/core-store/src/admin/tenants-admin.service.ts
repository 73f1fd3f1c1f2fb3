import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { CreateTenantRequest, TenantResponse, TenantStatus, UpdateTenantRequest } from '@comply/contracts';
import { DATABASE_CLIENT, SERVICE_CONFIG } from '@comply/service-runtime';
import { ApiKeyAuthenticator, recordAdminAction } from '@comply/tenant-directory';
import { CoreStoreConfig } from '../core-store-settings';
import { CoreDatabase } from '../database/core-database';
import { DirectoryPublisher } from '../directory/directory-publisher';
import { tenantResponseOf } from './admin-responses';
import { changeableTenant, existingTenant, inTenant } from './tenant-lookup';
import { TenantsAdminRepository } from './tenants-admin.repository';
import { changeDetails } from '@comply/messaging';

/** What an operator does to a tenant: create, read, rename, re-plan, suspend and reactivate. */
@Injectable()
export class TenantsAdminService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: CoreStoreConfig,
    private readonly tenants: TenantsAdminRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly directory: DirectoryPublisher,
  ) {}

  /** The tenant and its config in one transaction; 409 when the id is taken. */
  async create(request: CreateTenantRequest, requestId: string): Promise<TenantResponse> {
    const retentionDays = request.retentionDays ?? this.config.DEFAULT_RETENTION_DAYS;
    const tenant = await inTenant(this.database, request.id, async (tx) => {
      // The context is the new id, so an existing tenant of that id is visible to the conflict check.
      const created = await this.tenants.insertTenant(tx, { id: request.id, name: request.name, plan: request.plan });
      if (!created) throw new ConflictException(`Tenant "${request.id}" already exists`);
      await this.tenants.insertConfig(tx, { tenantId: created.id, retentionDays });
      await this.directory.tenantCreated(tx, created.id, requestId);
      await recordAdminAction(tx, {
        action: 'tenant.create',
        resource: { type: 'tenant', id: created.id },
        tenantId: created.id,
        requestId,
        details: { name: created.name, plan: created.plan, retentionDays },
      });
      return created;
    });
    return tenantResponseOf(tenant);
  }

  async get(id: string): Promise<TenantResponse> {
    return tenantResponseOf(await inTenant(this.database, id, (tx) => existingTenant(tx, this.tenants, id)));
  }

  async update(id: string, request: UpdateTenantRequest, requestId: string): Promise<TenantResponse> {
    const { before, after } = await inTenant(this.database, id, async (tx) => {
      const current = await changeableTenant(tx, this.tenants, id);
      const updated = await this.tenants.updateTenant(tx, id, request);
      await this.directory.tenantChanged(tx, id, requestId);
      await recordAdminAction(tx, {
        action: updateAction(current.status, updated.status),
        resource: { type: 'tenant', id },
        tenantId: id,
        requestId,
        details: { changes: changeDetails(current, request) },
      });
      return { before: current, after: updated };
    });
    // Only after the commit: forgetting earlier would let a concurrent lookup cache the old status again.
    if (before.status !== after.status) this.authenticator.forgetTenant(id);
    return tenantResponseOf(after);
  }
}

function updateAction(from: TenantStatus, to: TenantStatus): string {
  if (from === to) return 'tenant.update';
  return to === 'suspended' ? 'tenant.suspend' : 'tenant.reactivate';
}
