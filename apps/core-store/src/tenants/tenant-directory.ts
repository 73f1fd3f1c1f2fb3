import type { TenantStatus } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';

/**
 * Tenants in the given statuses, for work that visits tenants one by one (jobs, whole-database
 * backups). The application role cannot read across tenants, so the core_tenant_ids() definer
 * function answers with ids only.
 */
export async function tenantIdsWithStatus(executor: Pick<CoreTransaction, 'execute'>, statuses: readonly TenantStatus[]): Promise<string[]> {
  const list = sql.join(
    statuses.map((status) => sql`${status}`),
    sql`, `,
  );
  const result = await executor.execute<{ id: string }>(sql`select core_tenant_ids(array[${list}]::text[]) as id`);
  return result.rows.map((row) => row.id);
}
