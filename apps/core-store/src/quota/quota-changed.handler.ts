import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BillingQuotaChangedV1 } from '@comply/contracts';
import { PermanentError, ServiceBusContext } from '@comply/messaging';
import { CoreTransaction } from '../database/core-database';
import { QuotaRepository } from './quota.repository';

/**
 * Plan limits from billing, kept in tenant_configs where ingest reads them in its own
 * transaction. Quota events may arrive out of order: only one newer than the last applied counts.
 * The transport runs the handler in the event's tenant context and has already refused a message
 * whose tenantId property differs from its body.
 */
@Controller()
export class QuotaChangedHandler {
  constructor(private readonly quotas: QuotaRepository) {}

  @EventPattern('billing.quota.changed.v1')
  async handle(@Payload() event: BillingQuotaChangedV1, @Ctx() context: ServiceBusContext<CoreTransaction>): Promise<void> {
    const result = await this.quotas.applyIfNewer(context.tx, {
      tenantId: event.tenantId,
      plan: event.plan,
      monthlyRecords: event.quota.monthlyRecords,
      occurredAt: new Date(event.occurredAt),
    });
    // Replayable from the dead-letter queue once the tenant exists (npm run dlq -- replay ...).
    if (result === 'unknown-tenant') throw new PermanentError(`Tenant ${event.tenantId} does not exist in core-store`, 'UnknownTenant');
  }
}
