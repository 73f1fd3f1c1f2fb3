import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse } from '@comply/contracts';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { ApiKeyAuthenticator, generateApiKey, recordAdminAction } from '@comply/tenant-directory';
import { CoreDatabase } from '../database/core-database';
import { DirectoryPublisher } from '../directory/directory-publisher';
import { apiKeyResponseOf } from './admin-responses';
import { ApiKeysRepository } from './api-keys.repository';
import { changeableTenant, existingTenant, inTenant } from './tenant-lookup';
import { TenantsAdminRepository } from './tenants-admin.repository';

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Issuing, listing and revoking a tenant's API keys. The key itself leaves the service once, in the creation response. */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    private readonly tenants: TenantsAdminRepository,
    private readonly keys: ApiKeysRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly directory: DirectoryPublisher,
  ) {}

  async create(tenantId: string, request: CreateApiKeyRequest, requestId: string): Promise<CreatedApiKeyResponse> {
    const { key, prefix, secretHash } = generateApiKey();
    const created = await inTenant(this.database, tenantId, async (tx) => {
      await changeableTenant(tx, this.tenants, tenantId);
      const row = await this.keys.insert(tx, { tenantId, name: request.name, prefix, secretHash, scopes: request.scopes });
      await this.directory.apiKeyCreated(tx, row.id, requestId);
      await recordAdminAction(tx, {
        action: 'api_key.create',
        resource: { type: 'api_key', id: row.id },
        tenantId,
        requestId,
        details: { name: row.name, prefix: row.prefix, scopes: row.scopes },
      });
      return row;
    });
    return { ...apiKeyResponseOf(created), key };
  }

  async list(tenantId: string): Promise<{ items: ApiKeyResponse[] }> {
    const rows = await inTenant(this.database, tenantId, async (tx) => {
      await existingTenant(tx, this.tenants, tenantId);
      return this.keys.list(tx, tenantId);
    });
    return { items: rows.map(apiKeyResponseOf) };
  }

  /**
   * Revokes at once in this process; other replicas stop accepting the key within
   * API_KEY_CACHE_TTL_MS. Revoking a revoked key keeps its first revocation time.
   */
  async revoke(tenantId: string, keyId: string, requestId: string): Promise<void> {
    const unknownKey = new NotFoundException(`Tenant "${tenantId}" has no API key ${keyId}`);
    if (!KEY_ID.test(keyId)) throw unknownKey;
    const revoked = await inTenant(this.database, tenantId, async (tx) => {
      await existingTenant(tx, this.tenants, tenantId);
      const key = await this.keys.findForUpdate(tx, tenantId, keyId);
      if (!key) throw unknownKey;
      const row = key.revokedAt ? key : await this.keys.revoke(tx, keyId);
      if (!key.revokedAt) await this.directory.apiKeyRevoked(tx, keyId, requestId);
      await recordAdminAction(tx, {
        action: 'api_key.revoke',
        resource: { type: 'api_key', id: keyId },
        tenantId,
        requestId,
        details: { name: row.name, prefix: row.prefix, revokedAt: row.revokedAt?.toISOString(), alreadyRevoked: Boolean(key.revokedAt) },
      });
      return row;
    });
    this.authenticator.forget(revoked.prefix);
  }
}
