import { Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { usageRecords } from '../database/schema';

/** SQL of reading metered usage (metering writes it); every call runs inside the tenant's transaction. */
@Injectable()
export class UsageReportRepository {
  /** The quantity metered for the tenant, metric and period; 0 when nothing was. */
  async quantity(tx: BillingTransaction, tenantId: string, metric: string, period: string): Promise<number> {
    const [row] = await tx
      .select({ quantity: usageRecords.quantity })
      .from(usageRecords)
      .where(and(eq(usageRecords.tenantId, tenantId), eq(usageRecords.metric, metric), eq(usageRecords.period, period)));
    return row?.quantity ?? 0;
  }
}
