import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

/** Setting that every row-level-security policy compares tenant_id with. */
export const TENANT_SETTING = 'app.tenant_id';

export type TenantTransaction<TSchema extends Record<string, unknown>> = Parameters<
  Parameters<NodePgDatabase<TSchema>['transaction']>[0]
>[0];

/**
 * Switches an open transaction to `tenantId` until it ends (or the next switch): for work that
 * spans tenants in one transaction, such as a consumer's batch. Must run inside a transaction.
 */
export async function enterTenant(tx: Pick<NodePgDatabase<Record<string, unknown>>, 'execute'>, tenantId: string): Promise<void> {
  requireTenantId(tenantId);
  await tx.execute(sql`select set_config(${TENANT_SETTING}, ${tenantId}, true)`);
}

/**
 * Runs `work` in one transaction with `app.tenant_id` set for that transaction only
 * (`set_config(..., true)`), so a pooled connection never carries one tenant's context into
 * another's request. Without this wrapper, policies see no tenant and return no rows.
 */
export async function withTenant<TSchema extends Record<string, unknown>, T>(
  db: NodePgDatabase<TSchema>,
  tenantId: string,
  work: (tx: TenantTransaction<TSchema>) => Promise<T>,
): Promise<T> {
  requireTenantId(tenantId);
  return db.transaction(async (tx) => {
    await enterTenant(tx, tenantId);
    return work(tx);
  });
}

function requireTenantId(tenantId: string): void {
  if (typeof tenantId !== 'string' || tenantId.trim() === '') throw new Error('withTenant requires a non-empty tenant id');
}
