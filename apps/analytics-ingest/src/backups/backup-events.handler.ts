import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, ServiceBusContext } from '@comply/messaging';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { BackupsService } from './backups.service';

/** backup-events in batches, counted in the transaction of their inbox entries. */
@Controller()
export class BackupEventsHandler {
  constructor(private readonly backups: BackupsService) {}

  @EventPattern('backup.completed.v1', { batchSize: 100 })
  async completed(@Payload() events: IncomingEvent<'backup.completed.v1'>[], @Ctx() context: ServiceBusContext<AnalyticsTransaction>): Promise<void> {
    await this.backups.add(context.tx, events.map((event) => ({ type: 'completed', payload: event.payload })));
  }

  @EventPattern('backup.failed.v1', { batchSize: 100 })
  async failed(@Payload() events: IncomingEvent<'backup.failed.v1'>[], @Ctx() context: ServiceBusContext<AnalyticsTransaction>): Promise<void> {
    await this.backups.add(context.tx, events.map((event) => ({ type: 'failed', payload: event.payload })));
  }
}
