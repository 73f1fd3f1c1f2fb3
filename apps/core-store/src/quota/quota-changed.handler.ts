import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BillingQuotaChangedV1 } from '@comply/contracts';
import { PermanentError, ServiceBusContext } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { tenantConfigs } from '../database/schema';

/**
 * Plan limits from billing, kept in tenant_configs where ingest reads them in its own
 * transaction. Quota events may arrive out of order: only one newer than the last applied counts.
 */
@Controller()
export class QuotaChangedHandler {
  @EventPattern('billing.quota.changed.v1')
  async handle(@Payload() event: BillingQuotaChangedV1, @Ctx() context: ServiceBusContext): Promise<void> {
    const tx = context.tx as CoreTransaction;
    const occurredAt = new Date(event.occurredAt);
    await enterTenant(tx, event.tenantId);
    const updated = await tx
      .update(tenantConfigs)
      .set({
        monthlyRecordQuota: event.quota.monthlyRecords,
        quotaPlan: event.plan,
        quotaChangedAt: occurredAt,
        version: sql`${tenantConfigs.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(tenantConfigs.tenantId, event.tenantId), or(isNull(tenantConfigs.quotaChangedAt), lt(tenantConfigs.quotaChangedAt, occurredAt))))
      .returning({ tenantId: tenantConfigs.tenantId });
    if (updated.length > 0) return;
    const [known] = await tx.select({ tenantId: tenantConfigs.tenantId }).from(tenantConfigs).where(eq(tenantConfigs.tenantId, event.tenantId));
    // Replayable from the dead-letter queue once the tenant exists (npm run dlq -- replay ...).
    if (!known) throw new PermanentError(`Tenant ${event.tenantId} does not exist in core-store`, 'UnknownTenant');
  }
}
