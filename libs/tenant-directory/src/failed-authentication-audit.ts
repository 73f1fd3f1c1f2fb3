import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { addAllToOutbox, auditEvent, type OutgoingEvent } from '@comply/messaging';
import { serviceIdentity, type Logger } from '@comply/observability';
import type { DatabaseClient } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG, type CommonServiceConfig } from '@comply/service-runtime';
import { randomUUID } from 'node:crypto';
import { FailedAuthenticationTally, type TallyEntry, type TallyWindow } from './failed-authentication-tally';

/** One audit.event.v1 per entry of the window, all with one correlation id (the flush). */
export function failedAuthenticationEvents(window: TallyWindow, service: string, now = new Date()): OutgoingEvent<'audit.event.v1'>[] {
  const correlationId = randomUUID();
  const windowMs = now.getTime() - window.startedAt.getTime();
  return window.entries.map((entry: TallyEntry) =>
    auditEvent(
      {
        actor: entry.keyId ? { type: 'api_key', id: entry.keyId } : { type: 'system', id: service },
        action: `auth.${entry.credential}`,
        resource: entry.keyId ? { type: entry.credential, id: entry.keyId } : { type: entry.credential },
        outcome: 'denied',
        tenantId: entry.tenantId,
        correlationId,
        details: {
          reason: entry.reason,
          count: entry.count,
          firstAt: entry.firstAt.toISOString(),
          lastAt: entry.lastAt.toISOString(),
          sampleIps: entry.sampleIps,
          sampleUserAgents: entry.sampleUserAgents,
          windowMs,
          ...(entry.reasons && { overflow: entry.reasons }),
        },
        source: { service },
      },
      // Counted in the period of the last refusal, also when a failed write delays the flush.
      entry.lastAt,
    ),
  );
}

/**
 * Writes the failed-authentication tally to the audit trail every AUTH_FAILURE_AUDIT_INTERVAL_MS
 * and at shutdown: one event per entry, all in one transaction through the outbox. A window that
 * cannot be written is kept (merged into the next, within the tally's bounds) and the failure is
 * logged once until a write succeeds again.
 */
@Injectable()
export class FailedAuthenticationAudit implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly schedule: PeriodicTask;
  private failing = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CommonServiceConfig, 'AUTH_FAILURE_AUDIT_INTERVAL_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_CLIENT) private readonly database: DatabaseClient<Record<string, unknown>>,
    private readonly tally: FailedAuthenticationTally,
  ) {
    this.schedule = new PeriodicTask({ name: 'failed-authentication audit', intervalMs: config.AUTH_FAILURE_AUDIT_INTERVAL_MS, run: () => this.flush(), logger });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.AUTH_FAILURE_AUDIT_INTERVAL_MS);
  }

  /** While the database is surely open (the HTTP server still is too). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await this.flush();
  }

  /**
   * What was refused while the HTTP server drained. The platform's pool closes in its own shutdown
   * hook, which Nest runs after this one (both modules are global; the platform's was registered first).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Returns the number of audit events written. */
  async flush(now = new Date()): Promise<number> {
    const window = this.tally.take(now);
    if (!window) return 0;
    const events = failedAuthenticationEvents(window, serviceIdentity() ?? 'unknown', now);
    try {
      await this.database.db.transaction((tx) => addAllToOutbox(tx, events));
    } catch (error) {
      this.tally.restore(window);
      if (!this.failing) this.logger.error({ err: error, entries: events.length }, 'could not write failed-authentication audit events; keeping them for the next try');
      this.failing = true;
      return 0;
    }
    if (this.failing) this.logger.info({ entries: events.length }, 'failed-authentication audit events written again');
    this.failing = false;
    return events.length;
  }
}
