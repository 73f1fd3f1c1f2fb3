import { PROPERTY_SEED } from '@comply/testing';
import fc from 'fast-check';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { StripeFixtureEvent, stripeFixtureEvent } from './stripe-event-fixtures';
import { StripeEventProcessor } from './stripe-event-processor';
import { deliverStripeEvent } from './testing/stripe-delivery';

const RUNS = 60;
const SUBSCRIPTION_UPDATE_STATUSES = ['active', 'past_due', 'trialing', 'unpaid', 'paused'] as const;

/** A subscription's life and an invoice's, as Stripe would send them in order. */
interface Script {
  subscription: {
    createdStatus: 'incomplete' | 'active' | 'trialing';
    updates: Array<{ status: (typeof SUBSCRIPTION_UPDATE_STATUSES)[number]; cancelAtPeriodEnd: boolean }>;
    deleted: boolean;
    /** Seconds between consecutive events, at least 1: within one second two updates of equal standing cannot be ordered by anyone. */
    gaps: number[];
  };
  invoice: {
    failures: number;
    paid: boolean;
    /** Seconds between consecutive events, 0 allowed: the status and the attempt count order those. */
    gaps: number[];
  };
}

const scriptArbitrary: fc.Arbitrary<Script> = fc
  .record({
    createdStatus: fc.constantFrom('incomplete' as const, 'active' as const, 'trialing' as const),
    updates: fc.array(fc.record({ status: fc.constantFrom(...SUBSCRIPTION_UPDATE_STATUSES), cancelAtPeriodEnd: fc.boolean() }), { minLength: 1, maxLength: 3 }),
    deleted: fc.boolean(),
    failures: fc.integer({ min: 0, max: 2 }),
    paid: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      subscriptionGaps: fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 4, maxLength: 4 }),
      invoiceGaps: fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 4, maxLength: 4 }),
    }).map(({ subscriptionGaps, invoiceGaps }) => ({
      subscription: { createdStatus: shape.createdStatus, updates: shape.updates, deleted: shape.deleted, gaps: subscriptionGaps },
      invoice: { failures: shape.failures, paid: shape.paid, gaps: invoiceGaps },
    })),
  );

/** The script's events for one tenant, in Stripe's order. */
function eventsOf(script: Script, tenantId: string, start: number): StripeFixtureEvent[] {
  const events: StripeFixtureEvent[] = [];
  let at = start;
  const subscription = script.subscription;
  events.push(stripeFixtureEvent('customer.subscription.created', { tenantId, created: at, object: { status: subscription.createdStatus } }));
  subscription.updates.forEach((update, index) => {
    at += subscription.gaps[index];
    events.push(stripeFixtureEvent('customer.subscription.updated', { tenantId, created: at, object: { status: update.status, cancel_at_period_end: update.cancelAtPeriodEnd } }));
  });
  if (subscription.deleted) events.push(stripeFixtureEvent('customer.subscription.deleted', { tenantId, created: at + subscription.gaps[3] }));

  const invoice = script.invoice;
  at = start;
  events.push(stripeFixtureEvent('invoice.created', { tenantId, created: at }));
  at += invoice.gaps[0];
  events.push(stripeFixtureEvent('invoice.finalized', { tenantId, created: at }));
  for (let attempt = 1; attempt <= invoice.failures; attempt++) {
    at += invoice.gaps[attempt];
    events.push(stripeFixtureEvent('invoice.payment_failed', { tenantId, created: at, object: { attempt_count: attempt } }));
  }
  if (invoice.paid) events.push(stripeFixtureEvent('invoice.paid', { tenantId, created: at + invoice.gaps[3], object: { attempt_count: invoice.failures + 1 } }));
  return events;
}

/**
 * Stripe does not deliver events in order. Whatever order a subscription's and an invoice's
 * events arrive (and are processed) in — updated before created, deleted before updated, paid
 * before finalized — billing ends with the state it reaches when they arrive in order, which is
 * the state of Stripe's last event; and it announces no state that was not the latest when it did.
 */
describe('Stripe events out of order (property, integration)', () => {
  let app: BillingTestApp;
  let processor: StripeEventProcessor;
  let run = 0;

  beforeAll(async () => {
    // Only what the test delivers is processed, one event at a time, in the order it chooses.
    app = await startBillingTestApp({ env: { BILLING_JOB_INTERVAL_MS: '3600000' } });
    processor = app.service.app.get(StripeEventProcessor);
  }, 60_000);

  afterAll(() => app?.close());

  /** Delivers and processes each event before the next arrives, so processing follows `order`. */
  async function deliverInOrder(events: StripeFixtureEvent[]): Promise<void> {
    for (const event of events) {
      expect((await deliverStripeEvent(app, event)).status).toBe(200);
      await processor.processDue();
      const [row] = await app.sql<{ status: string; last_error: string | null }>('select status, last_error from stripe_events where id = $1', [event.id]);
      expect(row).toEqual({ status: 'processed', last_error: null });
    }
  }

  async function finalState(tenantId: string) {
    const subscriptions = await app.sql(
      `select status, plan_code, stripe_price_id, current_period_start, current_period_end, trial_end, cancel_at, cancel_at_period_end,
              canceled_at, deleted_at is not null as deleted, stripe_updated_at
         from subscriptions where tenant_id = $1`,
      [tenantId],
    );
    const invoices = await app.sql(
      `select status, amount_due::int, amount_paid::int, attempt_count, next_payment_attempt_at, paid_at, number is not null as numbered, period_start, period_end, stripe_updated_at
         from invoices where tenant_id = $1`,
      [tenantId],
    );
    const outbox = await app.sql<{ subject: string; body: { status?: string } }>(`select subject, body from messaging_outbox where tenant_id = $1 and subject like 'billing.%' order by created_at, id`, [tenantId]);
    return { subscriptions, invoices, outbox };
  }

  it(`converges to the in-order state from any arrival order (${RUNS} runs, seed PROPERTY_SEED)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        scriptArbitrary.chain((script) => {
          const count = eventsOf(script, 'count', 0).length;
          const indices = Array.from({ length: count }, (_, index) => index);
          return fc.shuffledSubarray(indices, { minLength: count, maxLength: count }).map((order) => ({ script, order }));
        }),
        async ({ script, order }) => {
          run++;
          const start = Math.floor(Date.now() / 1000) - 86_400;
          const inOrderTenant = `order-${run}-in`;
          const shuffledTenant = `order-${run}-shuffled`;
          const inOrder = eventsOf(script, inOrderTenant, start);
          const shuffled = eventsOf(script, shuffledTenant, start);
          await deliverInOrder(inOrder);
          await deliverInOrder(order.map((index) => shuffled[index]));

          const expected = await finalState(inOrderTenant);
          const actual = await finalState(shuffledTenant);
          expect(actual.subscriptions).toEqual(expected.subscriptions);
          expect(actual.invoices).toEqual(expected.invoices);

          // In order, the state is the last event's: Stripe's final state.
          const lastSubscription = [...inOrder].reverse().find((event) => event.type.startsWith('customer.subscription.'))!;
          const lastInvoice = [...inOrder].reverse().find((event) => event.type.startsWith('invoice.'))!;
          expect(expected.subscriptions).toEqual([expect.objectContaining({ status: lastSubscription.data.object.status, deleted: script.subscription.deleted })]);
          expect(expected.invoices).toEqual([expect.objectContaining({ status: lastInvoice.data.object.status })]);

          // Announcements: the last subscription change announced is the final state; a paid invoice is announced once.
          for (const { subscriptions, outbox } of [expected, actual]) {
            const changes = outbox.filter((row) => row.subject === 'billing.subscription.changed.v1');
            expect(changes[changes.length - 1]?.body.status).toBe(subscriptions[0].status);
            expect(outbox.filter((row) => row.subject === 'billing.invoice.paid.v1')).toHaveLength(script.invoice.paid ? 1 : 0);
          }
          const failuresAnnounced = (state: typeof actual) => state.outbox.filter((row) => row.subject === 'billing.invoice.payment_failed.v1').length;
          expect(failuresAnnounced(expected)).toBe(script.invoice.failures);
          expect(failuresAnnounced(actual)).toBeLessThanOrEqual(script.invoice.failures);
        },
      ),
      { seed: PROPERTY_SEED, numRuns: RUNS },
    );
  }, 600_000);
});
