import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, ServiceBusContext } from '@comply/messaging';
import { BillingTransaction } from '../database/billing-database';
import { MeteringService } from './metering.service';

/**
 * Usage from core-events, in batches: every record.stored.v1 counts one record of its tenant in the
 * UTC month it was stored. The inbox entries of the batch are written in the same transaction as
 * the counts (the transport does it), so a redelivered message is skipped and never counted twice.
 */
@Controller()
export class RecordStoredHandler {
  constructor(private readonly metering: MeteringService) {}

  @EventPattern('record.stored.v1', { batchSize: 500 })
  async handle(@Payload() events: IncomingEvent<'record.stored.v1'>[], @Ctx() context: ServiceBusContext<BillingTransaction>): Promise<void> {
    await this.metering.meter(context.tx, events);
  }
}
