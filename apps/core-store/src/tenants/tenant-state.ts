import type { TenantStatus } from '@comply/contracts';
import { eq } from 'drizzle-orm';
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

/** The tenant of the transaction's context, or undefined when it does not exist. */
export async function tenantState(tx: CoreTransaction, tenantId: string): Promise<TenantState | undefined> {
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

/** Calendar month (UTC) as the usage table keys it: "2026-11". */
export function usageMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}
