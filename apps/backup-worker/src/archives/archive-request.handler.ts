import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ArchiveRequestedV1 } from '@comply/contracts';
import { ServiceBusContext } from '@comply/messaging';
import { CatalogTransaction } from '../database/backup-database';
import { ArchiveService } from './archive.service';

/**
 * archive.requested.v1 from audit-events: archives the table and answers on backup-events in the
 * message's transaction (the inbox makes a redelivery of the same message a no-op).
 */
@Controller()
export class ArchiveRequestHandler {
  constructor(private readonly archives: ArchiveService) {}

  @EventPattern('archive.requested.v1')
  async requested(@Payload() request: ArchiveRequestedV1, @Ctx() context: ServiceBusContext<CatalogTransaction>): Promise<void> {
    await this.archives.answer(context.tx, request, context.messageId);
  }
}
