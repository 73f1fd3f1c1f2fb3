import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, PermanentError, ServiceBusContext } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { AuditActor } from '../audit/audit-event';
import { CoreTransaction } from '../database/core-database';
import { IngestRejection } from './ingest-rejection';
import { MappingIngestService } from './mapping-ingest.service';

const BUS_ACTOR: AuditActor = { type: 'service', id: 'core-store' };

/**
 * Bus ingest from the `mapping-events` subscription, in batches: one transaction stores a whole
 * batch, switching the tenant context per tenant. A rejected mapping fails the batch, and the
 * transport then handles its messages one by one, so only the offending one is dead-lettered
 * (with the rejection code as reason) while the rest are stored.
 */
@Controller()
export class MappingEventsHandler {
  constructor(private readonly ingest: MappingIngestService) {}

  @EventPattern('mapping.result.v1', { batchSize: 200 })
  async handle(@Payload() events: IncomingEvent<'mapping.result.v1'>[], @Ctx() context: ServiceBusContext): Promise<void> {
    const tx = context.tx as CoreTransaction;
    for (const [tenantId, group] of groupByTenant(events)) {
      const mismatch = group.find((event) => event.tenantId !== undefined && event.tenantId !== tenantId);
      if (mismatch) {
        throw new PermanentError(`Message tenantId property "${mismatch.tenantId}" differs from the body's tenantId "${tenantId}"`, 'TenantMismatch');
      }
      await enterTenant(tx, tenantId);
      try {
        await this.ingest.ingest(
          tx,
          tenantId,
          group.map(({ payload: { tenantId: _tenant, ...mapping }, correlationId, messageId, traceparent }) => ({
            mapping,
            correlationId,
            causationId: messageId,
            traceparent,
          })),
          { channel: 'bus', actor: BUS_ACTOR },
        );
      } catch (error) {
        if (error instanceof IngestRejection) throw new PermanentError(error.message, error.code);
        throw error;
      }
    }
  }
}

function groupByTenant(events: IncomingEvent<'mapping.result.v1'>[]): Map<string, IncomingEvent<'mapping.result.v1'>[]> {
  const groups = new Map<string, IncomingEvent<'mapping.result.v1'>[]>();
  for (const event of events) {
    const group = groups.get(event.payload.tenantId) ?? [];
    group.push(event);
    groups.set(event.payload.tenantId, group);
  }
  return groups;
}
