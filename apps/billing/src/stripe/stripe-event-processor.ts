import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { StripeWebhookEvent } from '@comply/contracts';
import { backoffDelayMs } from '@comply/messaging';
import type { Logger, ServiceMetrics } from '@comply/observability';
import { describeError, withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG, SERVICE_METRICS } from '@comply/service-runtime';
import { Counter } from 'prom-client';
import { BillingConfig } from '../billing-settings';
import { BillingDatabase } from '../database/billing-database';
import { StripeObjectChanges } from './applied-stripe-event';
import { CheckoutCompletion } from './checkout-completion';
import { CustomerChanges } from './customer-changes';
import { InvoiceChanges } from './invoice-changes';
import { PaymentChanges } from './payment-changes';
import { PaymentMethodChanges } from './payment-method-changes';
import { StripeEventRow, StripeEventsRepository } from './stripe-events.repository';
import { StripeObjectSource } from './stripe-object-source';
import { StripeTenantResolver } from './stripe-tenant-resolver';
import { SubscriptionChanges } from './subscription-changes';

/** Events read per query; each is then processed in a transaction of its own. */
const BATCH_SIZE = 50;
/** After start, pending events (left by a crash or a restart) are taken up this soon. */
const FIRST_RUN_DELAY_MS = 1_000;

type StripeEventOutcome = 'processed' | 'retrying' | 'failed' | 'skipped';

/** No tenant can be told for the event yet: its customer may still arrive (checkout, customer event). */
export class UnresolvedTenant extends Error {
  override readonly name = 'UnresolvedTenant';
}

/**
 * Processes stored Stripe events: every BILLING_JOB_INTERVAL_MS, at start, and at once after the
 * webhook stores one. Each due event, oldest Stripe `created` first, is applied in one transaction
 * in its tenant's context: the state change, its outbox events and the status `processed` commit
 * together, and the event row stays locked (`FOR UPDATE SKIP LOCKED`) so no other worker or
 * replica applies it twice. A failure counts an attempt and backs off (STRIPE_EVENT_RETRY_BASE_MS
 * doubling up to STRIPE_EVENT_RETRY_MAX_MS); after STRIPE_EVENT_MAX_ATTEMPTS the event is `failed`
 * until an operator re-processes it. Types billing does not handle are processed as nothing to do.
 */
@Injectable()
export class StripeEventProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;
  private readonly changes: ReadonlyMap<string, StripeObjectChanges>;
  private readonly outcomes: Counter<'outcome'>;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private shuttingDown = false;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: StripeEventsRepository,
    private readonly tenants: StripeTenantResolver,
    private readonly source: StripeObjectSource,
    customers: CustomerChanges,
    subscriptions: SubscriptionChanges,
    invoices: InvoiceChanges,
    payments: PaymentChanges,
    paymentMethods: PaymentMethodChanges,
    checkout: CheckoutCompletion,
  ) {
    this.changes = new Map<string, StripeObjectChanges>([
      ['customer.created', customers],
      ['customer.updated', customers],
      ['customer.deleted', customers],
      ['customer.subscription.created', subscriptions],
      ['customer.subscription.updated', subscriptions],
      ['customer.subscription.deleted', subscriptions],
      ['customer.subscription.trial_will_end', subscriptions],
      ['invoice.created', invoices],
      ['invoice.finalized', invoices],
      ['invoice.paid', invoices],
      ['invoice.payment_failed', invoices],
      ['invoice.voided', invoices],
      ['invoice.marked_uncollectible', invoices],
      ['payment_intent.succeeded', payments],
      ['payment_intent.payment_failed', payments],
      ['charge.refunded', payments],
      ['charge.dispute.created', payments],
      ['payment_method.attached', paymentMethods],
      ['payment_method.detached', paymentMethods],
      ['checkout.session.completed', checkout],
    ]);
    this.schedule = new PeriodicTask({ name: 'stripe-events', intervalMs: config.BILLING_JOB_INTERVAL_MS, run: () => this.processDue(), logger });
    this.outcomes = new Counter({
      name: 'billing_stripe_events_processed_total',
      help: 'Processing attempts of stored Stripe events, by outcome (processed, retrying, failed, skipped: held by another worker).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(Math.min(FIRST_RUN_DELAY_MS, this.config.BILLING_JOB_INTERVAL_MS));
  }

  async onModuleDestroy(): Promise<void> {
    // A drain in progress ends after its current event.
    this.shuttingDown = true;
    await this.schedule.stop();
    await this.draining;
  }

  /** After the webhook stored an event: process now rather than at the next tick. */
  kick(): void {
    this.processDue().catch((error: unknown) => this.logger.error({ err: error }, 'processing stored Stripe events failed; the next run retries'));
  }

  /** Processes every due event. A call while a drain runs makes that drain go round once more, so nothing stored meanwhile waits for the next tick. */
  processDue(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** Processes one stored event now, if it is pending and due (an operator's re-process). */
  async processNow(id: string): Promise<void> {
    const row = await this.events.find(this.database.db, id);
    if (row?.status === 'pending') await this.processOne(row);
  }

  private async drain(): Promise<void> {
    do {
      this.drainAgain = false;
      // An event tried in this drain waits for the next one, even when its retry is already due.
      const tried = new Set<string>();
      for (;;) {
        if (this.shuttingDown) return;
        const due = (await this.events.due(this.database.db, BATCH_SIZE)).filter((row) => !tried.has(row.id));
        if (due.length === 0) break;
        for (const row of due) {
          if (this.shuttingDown) return;
          tried.add(row.id);
          await this.processOne(row);
        }
      }
    } while (this.drainAgain && !this.shuttingDown);
  }

  private async processOne(row: StripeEventRow): Promise<StripeEventOutcome> {
    let outcome: StripeEventOutcome;
    try {
      outcome = (await this.apply(row)) ? 'processed' : 'skipped';
    } catch (error) {
      outcome = await this.recordFailure(row, error);
    }
    this.outcomes.inc({ outcome });
    return outcome;
  }

  /** False when another worker holds the event, or it is no longer pending and due. */
  private async apply(row: StripeEventRow): Promise<boolean> {
    const changes = this.changes.get(row.type);
    const db = this.database.db;
    if (!changes) {
      return db.transaction(async (tx) => {
        if (!(await this.events.lockDue(tx, row.id))) return false;
        await this.events.markProcessed(tx, row.id, null);
        return true;
      });
    }
    const { data } = row.payload as StripeWebhookEvent;
    // Outside the transaction: a call to Stripe must not hold a connection and a row lock.
    const object = await this.source.current(data.object);
    const tenantId = await this.tenants.resolve(db, object, data.previous_attributes);
    if (!tenantId) {
      throw new UnresolvedTenant('No tenant for this event yet: its object names none (metadata tenantId, client_reference_id) and its customer is not known to billing');
    }
    return withTenant(db, tenantId, async (tx) => {
      if (!(await this.events.lockDue(tx, row.id))) return false;
      await changes.apply(tx, { id: row.id, type: row.type, createdAt: row.createdAt, object, previousAttributes: data.previous_attributes, tenantId });
      await this.events.markProcessed(tx, row.id, tenantId);
      return true;
    });
  }

  private async recordFailure(row: StripeEventRow, error: unknown): Promise<StripeEventOutcome> {
    const lastError = describeError(error);
    const retryInMs = backoffDelayMs({ baseDelayMs: this.config.STRIPE_EVENT_RETRY_BASE_MS, maxDelayMs: this.config.STRIPE_EVENT_RETRY_MAX_MS }, row.attempts + 1);
    const result = await this.events.recordFailure(this.database.db, row.id, { lastError, retryInMs, maxAttempts: this.config.STRIPE_EVENT_MAX_ATTEMPTS });
    // No longer pending: another worker processed it meanwhile.
    if (!result) return 'skipped';
    const fields = { stripeEventId: row.id, type: row.type, attempts: result.attempts, error: lastError };
    if (result.status === 'failed') {
      this.logger.error(fields, 'Stripe event failed for good after STRIPE_EVENT_MAX_ATTEMPTS; an operator can re-process it');
      return 'failed';
    }
    this.logger.warn({ ...fields, retryInMs }, 'Stripe event processing failed; retrying');
    return 'retrying';
  }
}
