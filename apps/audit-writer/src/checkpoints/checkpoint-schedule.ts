import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { AuditWriterConfig } from '../audit-writer-settings';
import { CheckpointIssuer } from './checkpoint-issuer';

/**
 * Every AUDIT_CHECKPOINT_INTERVAL_MS: a signed checkpoint for each log that grew since its last.
 * A refused log (it does not extend its last checkpoint) is alarmed by the issuer and the others
 * go on; it is tried again, and refused again, on each run until an operator has looked at it.
 */
@Injectable()
export class CheckpointSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuditWriterConfig, 'AUDIT_CHECKPOINT_INTERVAL_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly issuer: CheckpointIssuer,
  ) {
    this.schedule = new PeriodicTask({ name: 'audit checkpoints', intervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS, run: () => this.runOnce(), logger });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.AUDIT_CHECKPOINT_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
  }

  /** Returns the logs a checkpoint was signed for. */
  async runOnce(): Promise<string[]> {
    const signed: string[] = [];
    for (const logId of await this.issuer.logsToCheckpoint()) {
      try {
        if ((await this.issuer.issue(logId))?.created) signed.push(logId);
      } catch (error) {
        this.logger.error({ err: error, logId }, 'audit checkpoint failed');
      }
    }
    if (signed.length > 0) this.logger.info({ logs: signed.length }, 'signed audit checkpoints');
    return signed;
  }
}
