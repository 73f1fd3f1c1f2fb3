import { Inject, Injectable } from '@nestjs/common';
import type { DataKeyStore, WrappedDataKey } from '@comply/crypto';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { asc, count, eq, sql } from 'drizzle-orm';
import { CoreDatabase, CoreTransaction } from '../database/core-database';
import { tenantConfigs, tenantDataKeys, tenants } from '../database/schema';

/**
 * Wrapped per-tenant data keys in tenant_data_keys, under the tenant's row-level security: the
 * FieldEncryptor's store (each call in a transaction of its own), and what erasure counts and
 * deletes inside its transaction. tenant_configs.encryption_key_id follows the newest key, so
 * operators can see which one is current.
 */
@Injectable()
export class DataKeysRepository implements DataKeyStore {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: CoreDatabase) {}

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
      await this.forgetCurrentKey(tx, tenantId);
    });
  }

  async tenantIds(): Promise<string[]> {
    const result = await this.database.db.execute<{ tenant_id: string }>(sql`select core_data_key_tenant_ids() as tenant_id`);
    return result.rows.map((row) => row.tenant_id);
  }

  async countOf(tx: CoreTransaction, tenantId: string): Promise<number> {
    const [row] = await tx.select({ keys: count() }).from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
    return row.keys;
  }

  /** Deletes the tenant's data keys (and forgets the current one) in `tx`; returns how many there were. */
  async deleteAllOf(tx: CoreTransaction, tenantId: string): Promise<number> {
    const deleted = await tx.delete(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId)).returning({ keyId: tenantDataKeys.keyId });
    if (deleted.length > 0) await this.forgetCurrentKey(tx, tenantId);
    return deleted.length;
  }

  private async forgetCurrentKey(tx: CoreTransaction, tenantId: string): Promise<void> {
    await tx
      .update(tenantConfigs)
      .set({ encryptionKeyId: null, version: sql`${tenantConfigs.version} + 1`, updatedAt: sql`now()` })
      .where(eq(tenantConfigs.tenantId, tenantId));
  }
}
