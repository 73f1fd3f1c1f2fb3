import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AuditActor, IncomingEvent, ServiceBusContext } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { CoreTransaction } from '../database/core-database';
import { ItemRejection } from './ingest-rules';
import { MappingIngestService } from './mapping-ingest.service';

const BUS_ACTOR: AuditActor = { type: 'service', id: 'core-store' };

/**
 * Bus ingest from the `mapping-events` subscription, in batches: one transaction stores a whole
 * batch of received messages, switching the tenant context per tenant. A mapping a rule refuses (unknown or inactive
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

  /**
   * mapping.batch.v1: each message is stored whole or not at all. A message with a refused
   * mapping is dead-lettered with the first refusal's code as reason and every refusal, by index,
   * in the description; the other messages of the batch are stored. Few messages per transaction,
   * as each carries up to 500 mappings.
   */
  @EventPattern('mapping.batch.v1', { batchSize: 4, inbox: false })
  async handleBatches(@Payload() events: IncomingEvent<'mapping.batch.v1'>[], @Ctx() context: ServiceBusContext<CoreTransaction>): Promise<void> {
    for (const [tenantId, group] of groupByTenant(events)) {
      await enterTenant(context.tx, tenantId);
      const results = await this.ingest.ingestAllOrNone(
        context.tx,
        tenantId,
        group.map(({ payload, correlationId, messageId, traceparent }) =>
          payload.mappings.map((mapping) => ({ mapping, correlationId, causationId: messageId, traceparent })),
        ),
        { channel: 'bus', actor: BUS_ACTOR },
      );
      results.forEach(({ rejections }, index) => {
        if (rejections.length > 0) context.reject(group[index], rejections[0].code, describeRefusals(rejections));
      });
    }
  }
}

/** Refusals of a batch message, by index, bounded so the dead letter stays small. */
export function describeRefusals(rejections: readonly ItemRejection[], shown = 10): string {
  const listed = rejections.slice(0, shown).map((rejection) => `mappings[${rejection.index}]: ${rejection.code}: ${rejection.message}`);
  const more = rejections.length > shown ? [`and ${rejections.length - shown} more`] : [];
  return [`${rejections.length} of the batch's mappings refused, so none was stored`, ...listed, ...more].join('; ');
}

/**
 * The events by tenant, tenants in sorted order: each tenant's usage row stays locked until the
 * commit, so concurrent batches must take them in one order or they deadlock.
 */
function groupByTenant<T extends { payload: { tenantId: string } }>(events: T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const event of events) {
    const group = groups.get(event.payload.tenantId) ?? [];
    group.push(event);
    groups.set(event.payload.tenantId, group);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
