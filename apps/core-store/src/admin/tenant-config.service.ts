import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { TenantConfigResponse, TenantConfigUpdate } from '@comply/contracts';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { CoreDatabase, CoreTransaction } from '../database/core-database';
import { DirectoryPublisher } from '../directory/directory-publisher';
import { tenantConfigResponseOf } from './admin-responses';
import { changeableTenant, existingTenant, inTenant } from './tenant-lookup';
import { TenantConfigRow, TenantsAdminRepository } from './tenants-admin.repository';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/** A tenant's retention, detectors, default model and quota override, as operators see and change them. */
@Injectable()
export class TenantConfigService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    private readonly tenants: TenantsAdminRepository,
    private readonly directory: DirectoryPublisher,
  ) {}

  async get(tenantId: string): Promise<TenantConfigResponse> {
    const config = await inTenant(this.database, tenantId, async (tx) => {
      await existingTenant(tx, this.tenants, tenantId);
      return this.configOf(tx, tenantId);
    });
    return tenantConfigResponseOf(config);
  }

  /**
   * A monthlyRecordQuota given here overrides billing's quota until billing changes it again:
   * quota_plan and quota_changed_at stay as billing set them, so its next event still applies.
   */
  async update(tenantId: string, request: TenantConfigUpdate, requestId: string): Promise<TenantConfigResponse> {
    const config = await inTenant(this.database, tenantId, async (tx) => {
      await changeableTenant(tx, this.tenants, tenantId);
      const before = await this.configOf(tx, tenantId);
      const after = await this.tenants.updateConfig(tx, tenantId, request);
      // Of the configuration, other services' replicas hold only the retention.
      if (request.retentionDays !== undefined) await this.directory.tenantChanged(tx, tenantId, requestId);
      await recordAdminAction(tx, {
        action: 'tenant_config.update',
        resource: { type: 'tenant_config', id: tenantId },
        tenantId,
        requestId,
        details: { changes: changeDetails(before, request), version: after.version },
      });
      return after;
    });
    return tenantConfigResponseOf(config);
  }

  private async configOf(tx: CoreTransaction, tenantId: string): Promise<TenantConfigRow> {
    const config = await this.tenants.findConfig(tx, tenantId);
    if (!config) throw new NotFoundException(`Tenant "${tenantId}" has no configuration`);
    return config;
  }
}
