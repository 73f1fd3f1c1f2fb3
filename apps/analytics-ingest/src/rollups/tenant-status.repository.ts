import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';

/** What the directory replica says of a tenant, in that tenant's context. */
@Injectable()
export class TenantStatusRepository {
  /** Whether the tenant was erased: its late events must not bring rollup rows back. A tenant not yet heard of counts. */
  async isErased(tx: AnalyticsTransaction, tenantId: string): Promise<boolean> {
    const result = await tx.execute<{ status: string }>(sql`select status from directory_tenants where tenant_id = ${tenantId}`);
    return result.rows[0]?.status === 'erased';
  }
}
