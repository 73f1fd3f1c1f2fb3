import type { DataKeyStore, WrappedDataKey } from '@comply/crypto';
import { withTenant } from '@comply/persistence';
import { asc, eq, sql } from 'drizzle-orm';
import { CoreDatabase } from '../database/core-database';
import { tenantConfigs, tenantDataKeys, tenants } from '../database/schema';

/**
 * Wrapped per-tenant data keys in tenant_data_keys, under the tenant's row-level security.
 * tenant_configs.encryption_key_id follows the newest key, so operators can see which one is current.
 */
export class PgDataKeyStore implements DataKeyStore {
  constructor(private readonly database: CoreDatabase) {}

  async get(tenantId: string): Promise<WrappedDataKey[]> {
    return withTenant(this.database.db, tenantId, (tx) =>
      tx
        .select({ keyId: tenantDataKeys.keyId, wrapped: tenantDataKeys.wrapped, kekId: tenantDataKeys.kekId })
        .from(tenantDataKeys)
        .where(eq(tenantDataKeys.tenantId, tenantId))
        .orderBy(asc(tenantDataKeys.createdAt), asc(tenantDataKeys.keyId)),
    );
  }

  async put(tenantId: string, key: WrappedDataKey): Promise<void> {
    await withTenant(this.database.db, tenantId, async (tx) => {
      // FOR SHARE waits for an erasure in progress (which locks the row for update) and then sees its outcome.
      const [tenant] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)).for('share');
      if (!tenant || tenant.status === 'erased') throw new Error(`Tenant ${tenantId} does not exist or is erased: no new data key`);
      await tx
        .insert(tenantDataKeys)
        // clock_timestamp: two keys made in one transaction still have an order.
        .values({ tenantId, keyId: key.keyId, wrapped: key.wrapped, kekId: key.kekId, createdAt: sql`clock_timestamp()` })
        .onConflictDoUpdate({ target: [tenantDataKeys.tenantId, tenantDataKeys.keyId], set: { wrapped: key.wrapped, kekId: key.kekId } });
      await tx
        .update(tenantConfigs)
        .set({
          encryptionKeyId: sql`(select key_id from tenant_data_keys where tenant_id = ${tenantId} order by created_at desc, key_id desc limit 1)`,
          version: sql`${tenantConfigs.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(tenantConfigs.tenantId, tenantId));
    });
  }

  async deleteTenant(tenantId: string): Promise<void> {
    await withTenant(this.database.db, tenantId, async (tx) => {
      await tx.delete(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
      await tx
        .update(tenantConfigs)
        .set({ encryptionKeyId: null, version: sql`${tenantConfigs.version} + 1`, updatedAt: sql`now()` })
        .where(eq(tenantConfigs.tenantId, tenantId));
    });
  }

  async tenantIds(): Promise<string[]> {
    const result = await this.database.db.execute<{ tenant_id: string }>(sql`select core_data_key_tenant_ids() as tenant_id`);
    return result.rows.map((row) => row.tenant_id);
  }
}
