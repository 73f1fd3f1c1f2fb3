import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { LOGGER, PeriodicTask } from '@comply/service-runtime';
import { ArchivalService } from './archival.service';

const DAY_MS = 24 * 60 * 60 * 1000;
/** After start, so a fleet restarting together does not archive before serving. */
const FIRST_RUN_MS = 10 * 60 * 1000;

/** Daily archival of the partitions past retention; a run another replica holds the lock for is skipped. */
@Injectable()
export class ArchivalSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(LOGGER) logger: Logger,
    private readonly archival: ArchivalService,
  ) {
    this.schedule = new PeriodicTask({ name: 'audit archival', intervalMs: DAY_MS, run: () => this.archival.run().then(() => undefined), logger });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(FIRST_RUN_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
  }
}
