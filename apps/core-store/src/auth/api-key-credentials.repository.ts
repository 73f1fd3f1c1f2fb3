import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope, TenantStatus } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { eq, sql } from 'drizzle-orm';
import { CoreDatabase } from '../database/core-database';
import { apiKeys } from '../database/schema';

/** What authenticating an API key needs to know of it and its tenant. */
export interface ApiKeyCredentials {
  id: string;
  tenant_id: string;
  secret_hash: string;
  scopes: ApiKeyScope[];
  revoked_at: Date | null;
  tenant_status: TenantStatus;
}

/** API keys as authentication reads them, each call in a transaction of its own. */
@Injectable()
export class ApiKeyCredentialsRepository {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: CoreDatabase) {}

  /** Through a definer function: the tenant is not known yet, and the app role cannot read across tenants. */
  async findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const result = await this.database.db.execute<ApiKeyCredentials & Record<string, unknown>>(
      sql`select id, tenant_id, secret_hash, scopes, revoked_at, tenant_status from core_api_key_by_prefix(${prefix})`,
    );
    return result.rows[0];
  }

  async recordUse(tenantId: string, keyId: string, usedAt: Date): Promise<void> {
    await withTenant(this.database.db, tenantId, (tx) => tx.update(apiKeys).set({ lastUsedAt: usedAt }).where(eq(apiKeys.id, keyId)));
  }
}
