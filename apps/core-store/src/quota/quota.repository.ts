import { Injectable } from '@nestjs/common';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { tenantConfigs } from '../database/schema';

export interface QuotaChange {
  tenantId: string;
  plan: string;
  monthlyRecords: number;
  occurredAt: Date;
}

/** The quota columns of tenant_configs, in the tenant's transaction. */
@Injectable()
export class QuotaRepository {
  /** Applies a quota change unless a later one was applied already ('stale'), or says there is no such tenant. */
  async applyIfNewer(tx: CoreTransaction, change: QuotaChange): Promise<'applied' | 'stale' | 'unknown-tenant'> {
    const updated = await tx
      .update(tenantConfigs)
      .set({
        monthlyRecordQuota: change.monthlyRecords,
        quotaPlan: change.plan,
        quotaChangedAt: change.occurredAt,
        version: sql`${tenantConfigs.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(tenantConfigs.tenantId, change.tenantId),
          or(isNull(tenantConfigs.quotaChangedAt), lt(tenantConfigs.quotaChangedAt, change.occurredAt)),
        ),
      )
      .returning({ tenantId: tenantConfigs.tenantId });
    if (updated.length > 0) return 'applied';
    const [known] = await tx.select({ tenantId: tenantConfigs.tenantId }).from(tenantConfigs).where(eq(tenantConfigs.tenantId, change.tenantId));
    return known ? 'stale' : 'unknown-tenant';
  }
}
