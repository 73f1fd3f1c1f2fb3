import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { addAllToOutbox } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG } from '@comply/service-runtime';
import { randomUUID } from 'node:crypto';
import { accountAudit } from '../accounts/account-audit';
import { ACCOUNT_RECONCILER, AccountReconciler, ReconciliationCause } from '../accounts/account-reconciler';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { BillingConfig } from '../billing-settings';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { dunningStepEvent } from './dunning-step-event';
import { DunningRepository } from './dunning.repository';

/** After start, once the service has settled; then every BILLING_JOB_INTERVAL_MS. */
const FIRST_RUN_DELAY_MS = 10_000;

export interface DunningRun {
  reminders: number;
  restricted: number;
  /** Tenants whose steps failed this run (logged); the next run takes them up again. */
  failedTenants: string[];
}

/**
 * Takes the dunning steps that fell due, tenant by tenant, each tenant in one transaction: a
 * `billing.dunning.step.v1` per step, an audit event per reminder, and at the end of grace the
 * reconciliation that restricts the account and lowers its quota. Steps are taken under row locks
 * that concurrent runs skip, so several replicas may run it and no step is announced twice.
 */
@Injectable()
export class DunningJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BILLING_CLOCK) private readonly clock: BillingClock,
    @Inject(ACCOUNT_RECONCILER) private readonly reconciler: AccountReconciler,
    private readonly steps: DunningRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'dunning', intervalMs: config.BILLING_JOB_INTERVAL_MS, run: () => this.runOnce(), logger });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(Math.min(FIRST_RUN_DELAY_MS, this.config.BILLING_JOB_INTERVAL_MS));
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Ends the schedule, waiting for a run in progress; runOnce still works when called directly. */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over the tenants with steps due at the clock's now. */
  async runOnce(): Promise<DunningRun> {
    const now = this.clock.now();
    const cause: ReconciliationCause = { correlationId: randomUUID() };
    const run: DunningRun = { reminders: 0, restricted: 0, failedTenants: [] };
    for (const tenantId of await this.steps.tenantsWithDueWork(this.database, now)) {
      try {
        const taken = await withTenant(this.database.db, tenantId, (tx) => this.takeDueSteps(tx, tenantId, now, cause));
        run.reminders += taken.reminders;
        run.restricted += taken.restricted;
      } catch (error) {
        run.failedTenants.push(tenantId);
        this.logger.error({ err: error, tenantId, correlationId: cause.correlationId }, 'dunning failed for a tenant');
      }
    }
    if (run.reminders + run.restricted > 0 || run.failedTenants.length > 0) this.logger.info({ ...run, correlationId: cause.correlationId }, 'dunning run finished');
    return run;
  }

  private async takeDueSteps(tx: BillingTransaction, tenantId: string, now: Date, cause: ReconciliationCause): Promise<Omit<DunningRun, 'failedTenants'>> {
    const taken = await this.steps.takeDue(tx, tenantId, now);
    const restrictedNow = new Set(taken.filter((step) => step.step === 'restricted').map((step) => step.stripeInvoiceId));
    // Steps due but not taken belong to invoices no longer failing: the reconciliation cancels them.
    if (taken.length > 0 || (await this.steps.hasDueSteps(tx, tenantId, now))) await this.reconciler.reconcile(tx, tenantId, cause);
    await addAllToOutbox(tx, [
      ...taken.map((step) =>
        dunningStepEvent(
          {
            tenantId,
            invoice: step,
            step: step.step,
            sequence: step.sequence,
            graceEndsAt: restrictedNow.has(step.stripeInvoiceId) ? null : step.graceEndsAt,
            occurredAt: now,
          },
          cause,
        ),
      ),
      ...taken
        .filter((step) => step.step === 'reminder')
        .map((step) =>
          accountAudit(
            tenantId,
            'remind',
            { stripeInvoiceId: step.stripeInvoiceId, sequence: step.sequence, amountDue: step.amountDue, currency: step.currency },
            cause,
            now,
          ),
        ),
    ]);
    return { reminders: taken.filter((step) => step.step === 'reminder').length, restricted: restrictedNow.size };
  }
}
