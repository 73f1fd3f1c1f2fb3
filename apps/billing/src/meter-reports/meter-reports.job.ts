import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { backoffDelayMs } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { BillingConfig } from '../billing-settings';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { meterEventTimestamp } from './meter-event-timestamp';
import { DueMeterReport, MeterReportsRepository } from './meter-reports.repository';
import { stripeIdentifierOf } from './stripe-identifier';
import { MeterEventsApi, STRIPE_METER_EVENTS } from './stripe-meter-events';

/** After start, once the service has settled; then every BILLING_JOB_INTERVAL_MS. */
const FIRST_RUN_DELAY_MS = 10_000;
/** Reports sent per transaction; a tenant with more is taken up again in the same run. */
const BATCH_SIZE = 100;
/** Longest last_error kept. */
const MAX_ERROR_LENGTH = 500;

export interface MeterReportRun {
  sent: number;
  /** Failed attempts left pending for a later retry. */
  retried: number;
  /** Reports marked failed this run: refused by Stripe, or out of attempts. */
  failed: number;
  /** Tenants whose reports could not be read or updated (logged); the next run takes them up again. */
  failedTenants: string[];
}

/**
 * Sends pending meter reports to Stripe's Billing Meters API, tenant by tenant. Each report is
 * sent while its row is locked and marked in the same transaction, so replicas never send one
 * concurrently; a crash after Stripe accepted but before the commit sends it again under the same
 * identifier (and idempotency key), which Stripe counts once. Failures Stripe may get over
 * (network, 429, 5xx, 401/403 until the key is fixed) are retried with backoff
 * (STRIPE_EVENT_RETRY_BASE_MS … STRIPE_EVENT_RETRY_MAX_MS) up to STRIPE_EVENT_MAX_ATTEMPTS; a report
 * Stripe refuses (400, 404) is marked failed at once. Without STRIPE_API_KEY it never runs.
 */
@Injectable()
export class MeterReportsJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BILLING_CLOCK) private readonly clock: BillingClock,
    @Inject(STRIPE_METER_EVENTS) private readonly meterEvents: MeterEventsApi | null,
    private readonly reports: MeterReportsRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'meter-reports', intervalMs: config.BILLING_JOB_INTERVAL_MS, run: () => this.runOnce(), logger });
  }

  onApplicationBootstrap(): void {
    if (this.meterEvents) this.schedule.start(Math.min(FIRST_RUN_DELAY_MS, this.config.BILLING_JOB_INTERVAL_MS));
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Ends the schedule, waiting for a run in progress; runOnce still works when called directly. */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over the tenants with reports due at the clock's now. */
  async runOnce(): Promise<MeterReportRun> {
    const run: MeterReportRun = { sent: 0, retried: 0, failed: 0, failedTenants: [] };
    const meterEvents = this.meterEvents;
    if (!meterEvents) return run;
    const now = this.clock.now();
    for (const tenantId of await this.reports.tenantsWithDueWork(this.database, now)) {
      try {
        for (;;) {
          const taken = await withTenant(this.database.db, tenantId, (tx) => this.sendDue(tx, tenantId, now, meterEvents, run));
          if (taken < BATCH_SIZE) break;
        }
      } catch (error) {
        run.failedTenants.push(tenantId);
        this.logger.error({ err: error, tenantId }, 'meter reports failed for a tenant');
      }
    }
    if (run.sent + run.retried + run.failed > 0 || run.failedTenants.length > 0) this.logger.info({ ...run }, 'meter reports run finished');
    return run;
  }

  /** Sends one batch of the tenant's due reports; returns how many it took. */
  private async sendDue(tx: BillingTransaction, tenantId: string, now: Date, meterEvents: MeterEventsApi, run: MeterReportRun): Promise<number> {
    const due = await this.reports.takeDue(tx, tenantId, now, BATCH_SIZE);
    for (const report of due) {
      const outcome = await this.send(report, now, meterEvents);
      if (outcome.ok) {
        await this.reports.markSent(tx, report.id, now);
        run.sent++;
        continue;
      }
      const attempt = report.attempts + 1;
      const retryAt =
        outcome.retryable && attempt < this.config.STRIPE_EVENT_MAX_ATTEMPTS
          ? new Date(now.getTime() + backoffDelayMs({ baseDelayMs: this.config.STRIPE_EVENT_RETRY_BASE_MS, maxDelayMs: this.config.STRIPE_EVENT_RETRY_MAX_MS }, attempt))
          : undefined;
      await this.reports.markFailedAttempt(tx, report.id, outcome.error, retryAt);
      if (retryAt) run.retried++;
      else run.failed++;
      this.logger.warn({ tenantId, identifier: report.identifier, attempt, error: outcome.error, retryAt }, 'meter report not accepted by Stripe');
    }
    return due.length;
  }

  private async send(report: DueMeterReport, now: Date, meterEvents: MeterEventsApi): Promise<{ ok: true } | { ok: false; retryable: boolean; error: string }> {
    if (!report.stripeCustomerId) return { ok: false, retryable: false, error: 'NoStripeCustomer: the tenant has no Stripe customer to report usage for' };
    const identifier = stripeIdentifierOf(report.identifier);
    try {
      await meterEvents.create(
        {
          event_name: this.config.STRIPE_METER_EVENT_NAME,
          payload: { stripe_customer_id: report.stripeCustomerId, value: String(report.quantity) },
          identifier,
          timestamp: meterEventTimestamp(report.period, now),
        },
        { idempotencyKey: identifier },
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, retryable: isRetryable(error), error: describeStripeError(error) };
    }
  }
}

/** Stripe's answer to a bad request (400) or an unknown object (404) will not change on a retry; anything else may. */
function isRetryable(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status !== 400 && status !== 404;
}

function describeStripeError(error: unknown): string {
  const { type, statusCode, message } = error as { type?: string; statusCode?: number; message?: string };
  return `${type ?? 'Error'}${statusCode ? ` (HTTP ${statusCode})` : ''}: ${message ?? String(error)}`.slice(0, MAX_ERROR_LENGTH);
}
