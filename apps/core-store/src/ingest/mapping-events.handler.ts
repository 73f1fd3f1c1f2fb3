import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AuditActor, IncomingEvent, ServiceBusContext } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { CoreTransaction } from '../database/core-database';
import { MappingIngestService } from './mapping-ingest.service';

const BUS_ACTOR: AuditActor = { type: 'service', id: 'core-store' };

/**
 * Bus ingest from the `mapping-events` subscription, in batches: one transaction stores a whole
 * batch, switching the tenant context per tenant. A mapping a rule refuses (unknown or inactive
 * tenant, detector not allowed, over quota) is rejected on its own and dead-lettered with the
 * rule as reason, while the rest of the batch is stored. The transport has already dead-lettered
 * malformed messages and those whose tenantId property differs from the body. No inbox entry is
 * written: the idempotency ledger already makes a redelivered message a duplicate with no effect.
 */
@Controller()
export class MappingEventsHandler {
  constructor(private readonly ingest: MappingIngestService) {}

  @EventPattern('mapping.result.v1', { batchSize: 200, inbox: false })
  async handle(@Payload() events: IncomingEvent<'mapping.result.v1'>[], @Ctx() context: ServiceBusContext<CoreTransaction>): Promise<void> {
    for (const [tenantId, group] of groupByTenant(events)) {
      await enterTenant(context.tx, tenantId);
      const { rejections } = await this.ingest.ingest(
        context.tx,
        tenantId,
        group.map(({ payload: { tenantId: _tenant, ...mapping }, correlationId, messageId, traceparent }) => ({
          mapping,
          correlationId,
          causationId: messageId,
          traceparent,
        })),
        { channel: 'bus', actor: BUS_ACTOR },
      );
      for (const rejection of rejections) context.reject(group[rejection.index], rejection.code, rejection.message);
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
