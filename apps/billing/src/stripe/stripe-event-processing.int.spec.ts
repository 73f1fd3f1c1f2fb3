import { billingInvoicePaidV1, billingInvoicePaymentFailedV1, billingSubscriptionChangedV1, stripeEventDetail, stripeEventList } from '@comply/contracts';
import { until } from '@comply/testing';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { randomStripeId, stripeFixtureEvent, StripeFixtureEventType, stripeFixtureIds, StripeFixtureOptions } from './stripe-event-fixtures';
import { deliverStripeEvent, settledEvents } from './testing/stripe-delivery';

const MAX_ATTEMPTS = 3;

describe('Stripe event processing (integration)', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await startBillingTestApp({
      env: { BILLING_JOB_INTERVAL_MS: '100', STRIPE_EVENT_RETRY_BASE_MS: '40', STRIPE_EVENT_RETRY_MAX_MS: '80', STRIPE_EVENT_MAX_ATTEMPTS: String(MAX_ATTEMPTS) },
    });
  }, 60_000);

  afterAll(() => app?.close());

  /** Delivers the events in order, their `created` one minute apart (the last a minute ago), and waits until none is pending. */
  async function deliverAll(steps: Array<[StripeFixtureEventType, Partial<StripeFixtureOptions>?]>, tenantId: string) {
    const start = Math.floor(Date.now() / 1000) - 60 * (steps.length + 1);
    const events = steps.map(([type, options], index) => stripeFixtureEvent(type, { tenantId, created: start + 60 * index, ...options }));
    for (const event of events) expect((await deliverStripeEvent(app, event)).status).toBe(200);
    const settled = await settledEvents(
      app,
      events.map((event) => event.id),
    );
    return { events, settled };
  }

  const outboxOf = async (subject: string, correlationIds: string[]) => (await app.outbox(subject)).filter((row) => correlationIds.includes(row.correlation_id));

  it('applies every handled type to its table, in one transaction with its billing events, and calls the reconciler', async () => {
    const tenantId = 'flow-acme';
    const ids = stripeFixtureIds(tenantId);
    const voided = randomStripeId('in');
    const uncollectible = randomStripeId('in');
    const { events, settled } = await deliverAll(
      [
        ['customer.created'],
        ['checkout.session.completed'],
        ['payment_method.attached'],
        ['customer.subscription.created'],
        ['invoice.created'],
        ['invoice.finalized'],
        ['invoice.payment_failed'],
        ['payment_intent.payment_failed'],
        ['invoice.paid'],
        ['payment_intent.succeeded'],
        ['customer.subscription.updated', { object: { cancel_at_period_end: true } }],
        ['customer.updated', { object: { name: 'Acme Renamed Inc.' } }],
        ['charge.refunded'],
        ['charge.dispute.created'],
        ['payment_method.detached'],
        ['invoice.created', { invoiceId: voided }],
        ['invoice.voided', { invoiceId: voided }],
        ['invoice.finalized', { invoiceId: uncollectible }],
        ['invoice.marked_uncollectible', { invoiceId: uncollectible }],
        ['customer.subscription.deleted'],
      ],
      tenantId,
    );
    expect(settled.map((row) => ({ status: row.status, tenant: row.tenant_id, error: row.last_error }))).toEqual(
      events.map(() => ({ status: 'processed', tenant: tenantId, error: null })),
    );
    const at = (index: number) => new Date(events[index].created * 1000);

    expect(await app.sql('select stripe_customer_id, tenant_id, email, name, deleted_at, stripe_updated_at from customers')).toEqual([
      { stripe_customer_id: ids.customerId, tenant_id: tenantId, email: 'billing@flow-acme.example', name: 'Acme Renamed Inc.', deleted_at: null, stripe_updated_at: at(11) },
    ]);
    expect(await app.sql('select * from payment_methods')).toEqual([
      expect.objectContaining({
        stripe_payment_method_id: ids.paymentMethodId,
        tenant_id: tenantId,
        stripe_customer_id: ids.customerId,
        type: 'card',
        brand: 'visa',
        last4: '4242',
        exp_month: 12,
        exp_year: 2030,
        detached_at: at(14),
      }),
    ]);
    expect(await app.sql(`select stripe_subscription_id, tenant_id, plan_code, stripe_price_id, status, cancel_at_period_end, deleted_at, stripe_updated_at from subscriptions`)).toEqual([
      {
        stripe_subscription_id: ids.subscriptionId,
        tenant_id: tenantId,
        plan_code: 'starter',
        stripe_price_id: 'price_starter_monthly',
        status: 'canceled',
        cancel_at_period_end: false,
        deleted_at: at(19),
        stripe_updated_at: at(19),
      },
    ]);
    const invoices = await app.sql('select stripe_invoice_id, status, amount_due::int, amount_paid::int, attempt_count, paid_at, stripe_subscription_id from invoices order by stripe_invoice_id');
    expect(invoices).toEqual(
      expect.arrayContaining([
        { stripe_invoice_id: ids.invoiceId, status: 'paid', amount_due: 4900, amount_paid: 4900, attempt_count: 1, paid_at: at(8), stripe_subscription_id: ids.subscriptionId },
        expect.objectContaining({ stripe_invoice_id: voided, status: 'void', amount_paid: 0 }),
        expect.objectContaining({ stripe_invoice_id: uncollectible, status: 'uncollectible' }),
      ]),
    );
    expect(invoices).toHaveLength(3);
    expect(await app.sql('select stripe_payment_id, stripe_charge_id, status, amount::int, amount_refunded::int, failure_code, disputed_at from payments')).toEqual([
      { stripe_payment_id: ids.paymentIntentId, stripe_charge_id: ids.chargeId, status: 'disputed', amount: 4900, amount_refunded: 4900, failure_code: null, disputed_at: at(13) },
    ]);

    const eventIds = events.map((event) => event.id);
    const changed = await outboxOf('billing.subscription.changed.v1', eventIds);
    expect(changed.map((row) => ({ correlation: row.correlation_id, status: row.body.status, cancelAtPeriodEnd: row.body.cancelAtPeriodEnd }))).toEqual([
      { correlation: events[3].id, status: 'active', cancelAtPeriodEnd: false },
      { correlation: events[10].id, status: 'active', cancelAtPeriodEnd: true },
      { correlation: events[19].id, status: 'canceled', cancelAtPeriodEnd: false },
    ]);
    expect(billingSubscriptionChangedV1.parse(changed[0].body)).toEqual({
      tenantId,
      stripeCustomerId: ids.customerId,
      stripeSubscriptionId: ids.subscriptionId,
      plan: 'starter',
      status: 'active',
      amount: 4900,
      currency: 'usd',
      interval: 'month',
      currentPeriodEnd: expect.any(String),
      cancelAtPeriodEnd: false,
      occurredAt: at(3).toISOString(),
    });
    const failed = await outboxOf('billing.invoice.payment_failed.v1', eventIds);
    expect(failed.map((row) => billingInvoicePaymentFailedV1.parse(row.body))).toEqual([
      expect.objectContaining({ tenantId, stripeInvoiceId: ids.invoiceId, stripeSubscriptionId: ids.subscriptionId, amountDue: 4900, attemptCount: 1, nextPaymentAttemptAt: expect.any(String) }),
    ]);
    expect(failed[0].correlation_id).toBe(events[6].id);
    const paid = await outboxOf('billing.invoice.paid.v1', eventIds);
    expect(paid.map((row) => ({ correlation: row.correlation_id, body: billingInvoicePaidV1.parse(row.body) }))).toEqual([
      { correlation: events[8].id, body: expect.objectContaining({ tenantId, stripeInvoiceId: ids.invoiceId, amountPaid: 4900, occurredAt: at(8).toISOString() }) },
    ]);
    expect([...changed, ...failed, ...paid].every((row) => row.tenant_id === tenantId && row.causation_id === row.correlation_id)).toBe(true);
    // The account reconciler ran in the subscription's transaction: it opened the account and announced a quota, correlated with that event.
    expect(await app.sql('select tenant_id from tenant_accounts where tenant_id = $1', [tenantId])).toEqual([{ tenant_id: tenantId }]);
    expect((await app.outbox('billing.quota.changed.v1')).filter((row) => row.tenant_id === tenantId)[0]?.correlation_id).toBe(events[3].id);
  });

  it('ends a customer with customer.deleted, and nothing older brings it back', async () => {
    const tenantId = 'deleted-customer';
    const { events } = await deliverAll([['customer.created'], ['customer.deleted']], tenantId);
    const late = stripeFixtureEvent('customer.updated', { tenantId, created: events[0].created + 1 });
    expect((await deliverStripeEvent(app, late)).status).toBe(200);
    expect((await settledEvents(app, [late.id]))[0].status).toBe('processed');
    expect(await app.sql('select deleted_at, stripe_updated_at from customers where tenant_id = $1', [tenantId])).toEqual([
      { deleted_at: new Date(events[1].created * 1000), stripe_updated_at: new Date(events[1].created * 1000) },
    ]);
  });

  it('keeps a trial: customer.subscription.trial_will_end stores the trial end', async () => {
    const tenantId = 'trialing';
    const { events } = await deliverAll([['customer.subscription.trial_will_end']], tenantId);
    expect(await app.sql('select status, trial_end from subscriptions where tenant_id = $1', [tenantId])).toEqual([
      { status: 'trialing', trial_end: new Date(((events[0].data.object.trial_end as number) ?? 0) * 1000) },
    ]);
  });

  it('stores and acknowledges a type billing does not handle, and processes it as nothing to do', async () => {
    const unknown = { ...stripeFixtureEvent('customer.created', { tenantId: 'unknown-type' }), type: 'product.created', data: { object: { id: 'prod_1Unknown', object: 'product', name: 'Widget' } } };
    expect((await deliverStripeEvent(app, unknown)).body).toEqual({ received: true, duplicate: false });
    expect(await settledEvents(app, [unknown.id])).toEqual([{ id: unknown.id, status: 'processed', attempts: 1, last_error: null, tenant_id: null }]);
    expect(await app.sql('select id from messaging_outbox where correlation_id = $1', [unknown.id])).toEqual([]);
  });

  describe('plans of subscriptions', () => {
    afterAll(() => app.sql(`update plans set stripe_price_id = null where code = 'pro'`));

    it("maps the item's price by plans.stripe_price_id, else by a lookup key equal to a plan code; an unknown price keeps plan null and announces nothing", async () => {
      await app.sql(`update plans set stripe_price_id = 'price_1ProCustom' where code = 'pro'`);
      const byPrice = await deliverAll([['customer.subscription.created', { plan: 'pro', priceId: 'price_1ProCustom', lookupKey: null }]], 'plan-by-price');
      const byLookupKey = await deliverAll([['customer.subscription.created', { plan: 'pro', priceId: 'price_1OtherPro' }]], 'plan-by-lookup-key');
      const unknown = await deliverAll([['customer.subscription.created', { plan: 'enterprise', priceId: 'price_1Unknown', lookupKey: null }]], 'plan-unknown');
      expect(await app.sql(`select tenant_id, plan_code, stripe_price_id from subscriptions where tenant_id like 'plan-%' order by tenant_id`)).toEqual([
        { tenant_id: 'plan-by-lookup-key', plan_code: 'pro', stripe_price_id: 'price_1OtherPro' },
        { tenant_id: 'plan-by-price', plan_code: 'pro', stripe_price_id: 'price_1ProCustom' },
        { tenant_id: 'plan-unknown', plan_code: null, stripe_price_id: 'price_1Unknown' },
      ]);
      const announced = await outboxOf('billing.subscription.changed.v1', [byPrice, byLookupKey, unknown].map((delivery) => delivery.events[0].id));
      expect(announced.map((row) => [row.tenant_id, row.body.plan, row.body.amount])).toEqual([
        ['plan-by-price', 'pro', 49900],
        ['plan-by-lookup-key', 'pro', 49900],
      ]);
      expect(unknown.settled[0].status).toBe('processed');
    });
  });

  describe('failures', () => {
    it('backs off an event whose tenant is not known yet by STRIPE_EVENT_RETRY_BASE_MS, doubling', async () => {
      const slow = await startBillingTestApp({ env: { STRIPE_EVENT_RETRY_BASE_MS: '60000', STRIPE_EVENT_RETRY_MAX_MS: '600000' } });
      try {
        const orphan = stripeFixtureEvent('payment_intent.succeeded', { tenantId: 'nobody-yet' });
        expect((await deliverStripeEvent(slow, orphan)).status).toBe(200);
        const [first] = await until(
          () => slow.sql<{ attempts: number; status: string; due_in_s: number }>(`select attempts, status, extract(epoch from available_at - now())::float as due_in_s from stripe_events where id = $1`, [orphan.id]),
          (rows) => rows[0]?.attempts === 1,
        );
        // Equal jitter: between half the delay and all of it.
        expect(first).toEqual({ attempts: 1, status: 'pending', due_in_s: expect.any(Number) });
        expect(first.due_in_s).toBeGreaterThan(25);
        expect(first.due_in_s).toBeLessThanOrEqual(60);
        await slow.sql(`update stripe_events set available_at = now() where id = $1`, [orphan.id]);
        const second = await until(
          () => slow.sql<{ attempts: number; due_in_s: number }>(`select attempts, extract(epoch from available_at - now())::float as due_in_s from stripe_events where id = $1`, [orphan.id]),
          (rows) => rows[0]?.attempts === 2,
          { timeoutMs: 90_000 },
        );
        expect(second[0].due_in_s).toBeGreaterThan(55);
        expect(second[0].due_in_s).toBeLessThanOrEqual(120);
      } finally {
        await slow.close();
      }
    }, 120_000);

    it('fails an event for good after STRIPE_EVENT_MAX_ATTEMPTS; re-processed once its customer arrived, it applies', async () => {
      const tenantId = 'late-customer';
      const orphan = stripeFixtureEvent('payment_intent.succeeded', { tenantId });
      expect((await deliverStripeEvent(app, orphan)).status).toBe(200);
      const seen = new Set<number>();
      const [failed] = await until(
        async () => {
          const rows = await app.sql<{ status: string; attempts: number; last_error: string }>('select status, attempts, last_error from stripe_events where id = $1', [orphan.id]);
          if (rows[0]) seen.add(rows[0].attempts);
          return rows;
        },
        (rows) => rows[0]?.status === 'failed',
        { intervalMs: 5 },
      );
      expect(failed).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: expect.stringMatching(/^UnresolvedTenant: No tenant for this event yet/) });
      expect(failed.last_error).not.toContain(stripeFixtureIds(tenantId).customerId);
      expect(Math.max(...seen)).toBe(MAX_ATTEMPTS);
      expect(await app.sql('select stripe_payment_id from payments where tenant_id = $1', [tenantId])).toEqual([]);

      // The customer arrives; failed events wait for an operator.
      await deliverAll([['customer.created']], tenantId);
      expect((await app.sql('select status from stripe_events where id = $1', [orphan.id]))[0].status).toBe('failed');
      const reprocessed = await app.admin('POST', `/admin/stripe/events/${orphan.id}/reprocess`);
      expect(reprocessed.status).toBe(200);
      expect(stripeEventDetail.parse(reprocessed.body)).toMatchObject({ id: orphan.id, status: 'processed', attempts: 1, lastError: null, tenantId, payload: orphan });
      expect(await app.sql('select stripe_payment_id, status from payments where tenant_id = $1', [tenantId])).toEqual([
        { stripe_payment_id: orphan.data.object.id, status: 'succeeded' },
      ]);
      expect((await app.auditOf(reprocessed)).map((row) => ({ tenant: row.tenant_id, body: row.body }))).toEqual([
        {
          tenant: null,
          body: expect.objectContaining({
            actor: { type: 'user', id: 'platform-admin' },
            action: 'stripe_event.reprocess',
            resource: { type: 'stripe_event', id: orphan.id },
            details: { type: 'payment_intent.succeeded', previousStatus: 'failed', previousAttempts: MAX_ATTEMPTS },
          }),
        },
      ]);
    });

    it('describes a payload it cannot use by its fields, never by their values', async () => {
      const malformed = stripeFixtureEvent('customer.subscription.updated', { tenantId: 'malformed', object: { status: 'frobnicated', items: 'secret-value-4711' } });
      expect((await deliverStripeEvent(app, malformed)).status).toBe(200);
      const [row] = await settledEvents(app, [malformed.id]);
      expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
      expect(row.last_error).toMatch(/^UnexpectedStripeObject: Stripe subscription not as expected: status: .*; items: /);
      expect(row.last_error).not.toMatch(/frobnicated|secret-value-4711|malformed/);
      expect(await app.sql(`select stripe_subscription_id from subscriptions where tenant_id = 'malformed'`)).toEqual([]);
    });
  });

  describe('operator API', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/admin/stripe/events'],
      ['GET', '/admin/stripe/events/evt_1Anything'],
      ['POST', '/admin/stripe/events/evt_1Anything/reprocess'],
    ];

    it.each(routes)('%s %s refuses a missing or wrong admin token', async (method, path) => {
      for (const token of [undefined, `${app.adminToken}x`]) {
        const response = await app.request(method, path, { token });
        expect(response.status).toBe(401);
      }
    });

    it('lists stored events newest received first, filtered, in pages, without payloads; each listing audited', async () => {
      await deliverAll([['customer.created'], ['customer.updated'], ['customer.updated'], ['customer.updated']], 'listing');
      const expected = await app.sql<{ id: string }>(`select id from stripe_events where type = 'customer.updated' order by received_at desc, id desc`);
      expect(expected.length).toBeGreaterThanOrEqual(4);
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await app.admin('GET', `/admin/stripe/events?type=customer.updated&status=processed&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        const body = stripeEventList.parse(page.body);
        expect(body.items.length).toBeLessThanOrEqual(2);
        for (const item of body.items) expect(item).not.toHaveProperty('payload');
        listed.push(...body.items.map((item) => item.id));
        cursor = body.nextCursor;
        expect((await app.auditOf(page)).map((row) => row.body.action)).toEqual(['stripe_event.list']);
      } while (cursor);
      expect(listed).toEqual(expected.map((row) => row.id));

      const failed = stripeEventList.parse((await app.admin('GET', '/admin/stripe/events?status=failed&limit=100')).body);
      expect(failed.items.length).toBeGreaterThan(0);
      expect(failed.items.every((item) => item.status === 'failed' && item.attempts === MAX_ATTEMPTS && item.lastError !== null)).toBe(true);
    });

    it('refuses a bad filter with 400 naming it', async () => {
      for (const [query, field] of [
        ['status=bogus', 'status'],
        ['limit=0', 'limit'],
        ['type=Not%20A%20Type', 'type'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ]) {
        const response = await app.admin('GET', `/admin/stripe/events?${query}`);
        expect({ query, status: response.status, fields: response.body.issues?.map((issue: { path: string }) => issue.path) }).toEqual({ query, status: 400, fields: [field] });
      }
    });

    it('shows one event with its payload (audited), and 404 for an unknown or malformed id', async () => {
      const { events } = await deliverAll([['customer.created']], 'shown');
      const shown = await app.admin('GET', `/admin/stripe/events/${events[0].id}`);
      expect(shown.status).toBe(200);
      expect(stripeEventDetail.parse(shown.body)).toMatchObject({ id: events[0].id, type: 'customer.created', status: 'processed', tenantId: 'shown', payload: events[0] });
      expect((await app.auditOf(shown)).map((row) => ({ tenant: row.tenant_id, action: row.body.action }))).toEqual([{ tenant: 'shown', action: 'stripe_event.read' }]);
      for (const [method, path] of [
        ['GET', '/admin/stripe/events/evt_1Unknown'],
        ['GET', '/admin/stripe/events/not-an-event'],
        ['POST', '/admin/stripe/events/evt_1Unknown/reprocess'],
      ]) {
        const response = await app.admin(method, path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    });

    it('re-processes a processed event without publishing anything twice', async () => {
      const { events } = await deliverAll([['customer.subscription.created']], 'reprocessed');
      const before = await outboxOf('billing.subscription.changed.v1', [events[0].id]);
      expect(before).toHaveLength(1);
      const response = await app.admin('POST', `/admin/stripe/events/${events[0].id}/reprocess`);
      expect(response.body).toMatchObject({ status: 'processed', attempts: 1 });
      expect(await outboxOf('billing.subscription.changed.v1', [events[0].id])).toHaveLength(1);
      expect((await app.auditOf(response)).map((row) => row.body.details)).toEqual([{ type: 'customer.subscription.created', previousStatus: 'processed', previousAttempts: 1 }]);
    });
  });
});
