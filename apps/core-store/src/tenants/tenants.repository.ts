import { Injectable } from '@nestjs/common';
import type { TenantStatus } from '@comply/contracts';
import { eq, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { tenantConfigs, tenants } from '../database/schema';

/** What ingest and the jobs need to know of a tenant, read inside its own transaction. */
export interface TenantState {
  id: string;
  status: TenantStatus;
  retentionDays: number;
  allowedDetectors: string[] | null;
  monthlyRecordQuota: number | null;
}

/** Tenant reads shared by feature modules: one tenant's state, and the ids of all tenants in given statuses. */
@Injectable()
export class TenantsRepository {
  /** The tenant of the transaction's context, or undefined when it does not exist. */
  async stateOf(tx: CoreTransaction, tenantId: string): Promise<TenantState | undefined> {
    const [row] = await tx
      .select({
        id: tenants.id,
        status: tenants.status,
        retentionDays: tenantConfigs.retentionDays,
        allowedDetectors: tenantConfigs.allowedDetectors,
        monthlyRecordQuota: tenantConfigs.monthlyRecordQuota,
      })
      .from(tenants)
      .innerJoin(tenantConfigs, eq(tenantConfigs.tenantId, tenants.id))
      .where(eq(tenants.id, tenantId));
    return row;
  }

  /**
   * Tenants in the given statuses, for work that visits tenants one by one (jobs, whole-database
   * backups). The application role cannot read across tenants, so the core_tenant_ids() definer
   * function answers with ids only.
   */
  async idsWithStatus(executor: Pick<CoreTransaction, 'execute'>, statuses: readonly TenantStatus[]): Promise<string[]> {
    const list = sql.join(
      statuses.map((status) => sql`${status}`),
      sql`, `,
    );
    const result = await executor.execute<{ id: string }>(sql`select core_tenant_ids(array[${list}]::text[]) as id`);
    return result.rows.map((row) => row.id);
  }
}
