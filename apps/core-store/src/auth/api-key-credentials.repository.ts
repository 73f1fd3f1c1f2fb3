import { Inject, Injectable } from '@nestjs/common';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import type { ApiKeyCredentials, ApiKeyDirectory } from '@comply/tenant-directory';
import { eq, sql } from 'drizzle-orm';
import { CoreDatabase } from '../database/core-database';
import { apiKeys } from '../database/schema';

/** core-store's own tables as the directory of API keys the shared authenticator reads; each call in a transaction of its own. */
@Injectable()
export class ApiKeyCredentialsRepository implements ApiKeyDirectory {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: CoreDatabase) {}

  /** Through a definer function: the tenant is not known yet, and the app role cannot read across tenants. */
  async findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const result = await this.database.db.execute<Omit<ApiKeyCredentials, 'revokedAt'> & { revokedAt: string | null }>(
      sql`select id as "keyId", tenant_id as "tenantId", secret_hash as "secretHash", scopes, revoked_at as "revokedAt", tenant_status as "tenantStatus"
          from core_api_key_by_prefix(${prefix})`,
    );
    const row = result.rows[0];
    // Raw statements return timestamps as text.
    return row && { ...row, revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt) };
  }

  async recordUse(tenantId: string, keyId: string, usedAt: Date): Promise<void> {
    await withTenant(this.database.db, tenantId, (tx) => tx.update(apiKeys).set({ lastUsedAt: usedAt }).where(eq(apiKeys.id, keyId)));
  }
}
