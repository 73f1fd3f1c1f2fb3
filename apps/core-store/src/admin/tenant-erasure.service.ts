import { Inject, Injectable } from '@nestjs/common';
import type { TenantErasureResponse } from '@comply/contracts';
import { FieldEncryptor } from '@comply/crypto';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { ApiKeyAuthenticator, recordAdminAction } from '@comply/tenant-directory';
import { CoreDatabase } from '../database/core-database';
import { DirectoryPublisher } from '../directory/directory-publisher';
import { DataKeysRepository } from '../encryption/data-keys.repository';
import { ApiKeysRepository } from './api-keys.repository';
import { existingTenant, inTenant, lockedTenant } from './tenant-lookup';
import { TenantsAdminRepository } from './tenants-admin.repository';

/**
 * Erasure by crypto-shredding: destroying the tenant's data keys makes every encrypted value of
 * it unreadable at once, in the database and in every backup. The records themselves are purged
 * later by the retention job, which visits erased tenants and deletes their rows with
 * record.deleted.v1 reason "tenant_erasure". Erasure is final and idempotent: erasing again
 * destroys nothing more and reports 0 keys.
 */
@Injectable()
export class TenantErasureService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    private readonly encryptor: FieldEncryptor,
    private readonly tenants: TenantsAdminRepository,
    private readonly dataKeys: DataKeysRepository,
    private readonly keys: ApiKeysRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly directory: DirectoryPublisher,
  ) {}

  async erase(tenantId: string, requestId: string): Promise<TenantErasureResponse> {
    const dataKeys = await inTenant(this.database, tenantId, async (tx) => {
      await existingTenant(tx, this.tenants, tenantId);
      return this.dataKeys.countOf(tx, tenantId);
    });
    // Keys first: should anything below fail, the data is already unreadable and a retry completes the rest.
    await this.encryptor.destroyTenantKeys(tenantId);
    const destroyedKeys = await inTenant(this.database, tenantId, async (tx) => {
      const tenant = await lockedTenant(tx, this.tenants, tenantId);
      // A write that was encrypting while the keys went may have made a new one: it goes too. No other
      // can land before this commits: a key's insert waits on this row lock for its foreign key check.
      const lateKeys = await this.dataKeys.deleteAllOf(tx, tenantId);
      await this.tenants.setStatus(tx, tenantId, 'erased');
      const revokedApiKeys = await this.keys.revokeAll(tx, tenantId);
      // tenant.erased.v1: every other service erases its own part and drops the tenant's keys.
      await this.directory.tenantChanged(tx, tenantId, requestId);
      await recordAdminAction(tx, {
        action: 'tenant.erase',
        resource: { type: 'tenant', id: tenantId },
        tenantId,
        requestId,
        details: { previousStatus: tenant.status, destroyedKeys: dataKeys + lateKeys, revokedApiKeys },
      });
      return dataKeys + lateKeys;
    });
    this.authenticator.forgetTenant(tenantId);
    return { tenantId, status: 'erased', destroyedKeys };
  }
}
