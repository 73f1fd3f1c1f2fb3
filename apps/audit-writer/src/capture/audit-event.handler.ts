import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, ServiceBusContext } from '@comply/messaging';
import { AuditTransaction } from '../database/audit-database';
import { AuditCaptureService } from './audit-capture.service';

/**
 * audit.event.v1 from every service, in batches: each new event becomes one entry of its tenant's
 * log (or the platform log). The transport writes the batch's inbox entries in the same
 * transaction, so a redelivered event is skipped and never appended twice.
 */
@Controller()
export class AuditEventHandler {
  constructor(private readonly capture: AuditCaptureService) {}

  @EventPattern('audit.event.v1', { batchSize: 500 })
  async handle(@Payload() events: IncomingEvent<'audit.event.v1'>[], @Ctx() context: ServiceBusContext<AuditTransaction>): Promise<void> {
    await this.capture.append(context.tx, events, (event, reason, description) => context.reject(event, reason, description));
  }
}
