import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, ServiceBusContext } from '@comply/messaging';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { RecordsService } from './records.service';

/**
 * core-events in batches. The inbox entries of a batch are written in the same transaction as its
 * counts (the transport does it), so a redelivered message is skipped and never counted twice.
 */
@Controller()
export class RecordEventsHandler {
  constructor(private readonly records: RecordsService) {}

  @EventPattern('record.stored.v1', { batchSize: 500 })
  async stored(@Payload() events: IncomingEvent<'record.stored.v1'>[], @Ctx() context: ServiceBusContext<AnalyticsTransaction>): Promise<void> {
    await this.records.addStored(context.tx, events);
  }

  @EventPattern('record.deleted.v1', { batchSize: 500 })
  async deleted(@Payload() events: IncomingEvent<'record.deleted.v1'>[], @Ctx() context: ServiceBusContext<AnalyticsTransaction>): Promise<void> {
    await this.records.addDeleted(context.tx, events);
  }
}
