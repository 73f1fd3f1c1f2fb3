import { Injectable } from '@nestjs/common';
import type { TenantStatus } from '@comply/contracts';
import { eq, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { tenantConfigs, tenants } from '../database/schema';

export type TenantRow = typeof tenants.$inferSelect;
export type TenantConfigRow = typeof tenantConfigs.$inferSelect;
export type TenantChanges = Partial<Pick<TenantRow, 'name' | 'plan' | 'status'>>;
export type TenantConfigChanges = Partial<Pick<TenantConfigRow, 'retentionDays' | 'allowedDetectors' | 'defaultModelVersion' | 'monthlyRecordQuota'>>;

/** SQL of the admin API on tenants and their configs; every call runs inside that tenant's transaction. */
@Injectable()
export class TenantsAdminRepository {
  /** Inserts the tenant, or returns undefined when the id is taken (visible here: the context is that id). */
  async insertTenant(tx: CoreTransaction, tenant: typeof tenants.$inferInsert): Promise<TenantRow | undefined> {
    const [row] = await tx.insert(tenants).values(tenant).onConflictDoNothing({ target: tenants.id }).returning();
    return row;
  }

  async insertConfig(tx: CoreTransaction, config: typeof tenantConfigs.$inferInsert): Promise<TenantConfigRow> {
    const [row] = await tx.insert(tenantConfigs).values(config).returning();
    return row;
  }

  /** With `lock`, the row stays locked until the transaction ends, so a concurrent erasure waits for (or precedes) this change. */
  async findTenant(tx: CoreTransaction, id: string, lock = false): Promise<TenantRow | undefined> {
    const query = tx.select().from(tenants).where(eq(tenants.id, id));
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  async updateTenant(tx: CoreTransaction, id: string, changes: TenantChanges): Promise<TenantRow> {
    const [row] = await tx.update(tenants).set(changes).where(eq(tenants.id, id)).returning();
    return row;
  }

  async setStatus(tx: CoreTransaction, id: string, status: TenantStatus): Promise<void> {
    await tx.update(tenants).set({ status }).where(eq(tenants.id, id));
  }

  async findConfig(tx: CoreTransaction, tenantId: string): Promise<TenantConfigRow | undefined> {
    const [row] = await tx.select().from(tenantConfigs).where(eq(tenantConfigs.tenantId, tenantId));
    return row;
  }

  /** Every change is a new version, so caches and operators can tell edits apart. */
  async updateConfig(tx: CoreTransaction, tenantId: string, changes: TenantConfigChanges): Promise<TenantConfigRow> {
    const [row] = await tx
      .update(tenantConfigs)
      .set({ ...changes, version: sql`${tenantConfigs.version} + 1`, updatedAt: sql`now()` })
      .where(eq(tenantConfigs.tenantId, tenantId))
      .returning();
    return row;
  }
}
