import { Injectable } from '@nestjs/common';
import type { HandlerTransaction } from '@comply/messaging';
import type { TenantErasure } from '@comply/tenant-directory';
import { sql, type SQL } from 'drizzle-orm';
import {
  backupRollupsDaily,
  dimensionRollupsDaily,
  dimensionRollupsHourly,
  invoiceRollupsDaily,
  invoiceRollupsHourly,
  recordRollupsDaily,
  recordRollupsHourly,
  subscriptionChanges,
} from '../database/schema';

/**
 * analytics-ingest's part of erasing a tenant, in the transaction that applies tenant.erased.v1:
 * every rollup row of the tenant goes. Fleet reports, summed over the remaining tenants at read
 * time, no longer include it. Idempotent: a second run finds nothing left.
 */
@Injectable()
export class TenantErasureRepository implements TenantErasure {
  async erase(tx: HandlerTransaction, tenantId: string): Promise<Record<string, unknown>> {
    const count = async (statement: SQL) => (await tx.execute(statement)).rowCount ?? 0;
    let rollupRowsDeleted = 0;
    for (const table of [recordRollupsHourly, recordRollupsDaily, dimensionRollupsHourly, dimensionRollupsDaily, invoiceRollupsHourly, invoiceRollupsDaily, backupRollupsDaily]) {
      rollupRowsDeleted += await count(sql`delete from ${table} where tenant_id = ${tenantId}`);
    }
    return { rollupRowsDeleted, subscriptionChangesDeleted: await count(sql`delete from ${subscriptionChanges} where tenant_id = ${tenantId}`) };
  }
}
