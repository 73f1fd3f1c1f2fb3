import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ArchiveCompletedV1, ArchiveFailedV1 } from '@comply/contracts';
import { ServiceBusContext } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { LOGGER } from '@comply/service-runtime';
import { AuditTransaction } from '../database/audit-database';
import { ArchivalRepository } from './archival.repository';

/**
 * backup-worker's answers to the archival hand-off (AUDIT_ARCHIVE_HANDOFF), recorded on the
 * partition's archive record; the next archival run drops the partition or asks again. An answer
 * to a request that is no longer the partition's current one changes nothing.
 */
@Controller()
export class ArchiveHandoffHandler {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly archival: ArchivalRepository,
  ) {}

  @EventPattern('archive.completed.v1')
  async completed(@Payload() answer: ArchiveCompletedV1, @Ctx() context: ServiceBusContext<AuditTransaction>): Promise<void> {
    const recorded = await this.archival.answerHandoff(context.tx, answer.table, answer.requestId, {
      handoffStatus: 'completed',
      handoffRows: answer.rows,
      handoffBlob: `${answer.blob.container}/${answer.blob.name}`,
      handoffChecksum: answer.checksum,
      handoffError: null,
    });
    this.logger.info({ partition: answer.table, requestId: answer.requestId, rows: answer.rows, recorded }, 'backup-worker archived an audit_log partition');
  }

  @EventPattern('archive.failed.v1')
  async failed(@Payload() answer: ArchiveFailedV1, @Ctx() context: ServiceBusContext<AuditTransaction>): Promise<void> {
    const recorded = await this.archival.answerHandoff(context.tx, answer.table, answer.requestId, {
      handoffStatus: 'failed',
      handoffRows: null,
      handoffBlob: null,
      handoffChecksum: null,
      handoffError: answer.error.code,
    });
    this.logger.warn({ partition: answer.table, requestId: answer.requestId, code: answer.error.code, recorded }, 'backup-worker could not archive an audit_log partition');
  }
}
