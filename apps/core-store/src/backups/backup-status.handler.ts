import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BackupCompletedV1, BackupFailedV1 } from '@comply/contracts';
import { ServiceBusContext } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { CoreTransaction } from '../database/core-database';
import { BackupStatusRepository } from './backup-status.repository';

type BackupEvent = BackupCompletedV1 | BackupFailedV1;

/**
 * Keeps each record's backup_status in step with backup-worker: a completed backup of the core
 * database marks the records stored before it started as backed up, a failed one marks those still
 * pending as failed. Backups of other databases concern other services. A backup names one tenant
 * or, without tenantId, covers them all.
 */
@Controller()
export class BackupStatusHandler {
  private readonly logger = new Logger(BackupStatusHandler.name);

  constructor(private readonly repository: BackupStatusRepository) {}

  @EventPattern('backup.completed.v1')
  async completed(@Payload() event: BackupCompletedV1, @Ctx() context: ServiceBusContext<CoreTransaction>): Promise<void> {
    if (event.database !== 'core') return;
    const startedAt = new Date(event.startedAt);
    const marked = await this.forEachTenant(event, context, (tx, tenantId) => this.repository.markBackedUp(tx, tenantId, event.backupId, startedAt));
    this.logger.log(`backup ${event.backupId} of ${scopeOf(event)}: ${marked} records marked backed up`);
  }

  @EventPattern('backup.failed.v1')
  async failed(@Payload() event: BackupFailedV1, @Ctx() context: ServiceBusContext<CoreTransaction>): Promise<void> {
    if (event.database !== 'core') return;
    const startedAt = new Date(event.startedAt);
    const marked = await this.forEachTenant(event, context, (tx, tenantId) => this.repository.markFailed(tx, tenantId, event.backupId, startedAt));
    this.logger.warn(`backup ${event.backupId} of ${scopeOf(event)} failed (${event.error.code}): ${marked} pending records marked failed`);
  }

  /** Runs `update` in the message's transaction once per tenant the backup covered, each in that tenant's context. */
  private async forEachTenant(
    event: BackupEvent,
    context: ServiceBusContext<CoreTransaction>,
    update: (tx: CoreTransaction, tenantId: string) => Promise<number>,
  ): Promise<number> {
    const { tx } = context;
    const tenantIds = event.tenantId ? [event.tenantId] : await this.repository.tenantIds(tx);
    let total = 0;
    for (const tenantId of tenantIds) {
      await enterTenant(tx, tenantId);
      total += await update(tx, tenantId);
    }
    return total;
  }
}

function scopeOf(event: BackupEvent): string {
  return event.tenantId ? `tenant ${event.tenantId}` : 'every tenant';
}
