import { EVENT_EXAMPLES } from '@comply/contracts';
import type { IncomingEvent } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { BillingConfig } from '../billing-settings';
import { BillingDatabase } from '../database/billing-database';
import { MeteringService } from '../metering/metering.service';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { MeterReportsJob } from './meter-reports.job';
import { MeterReportsRepository } from './meter-reports.repository';
import { stripeMeterEvents } from './stripe-meter-events';

const API_KEY = 'sk_test_meterreports';
const NOW = Date.parse('2026-02-20T12:00:00Z');

interface ReceivedMeterEvent {
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

/**
 * A stand-in for api.stripe.com on a local port (the real Stripe cannot be reached from here):
 * it records every meter event it is sent and answers what the test scripted for its identifier,
 * else 200 with the meter event, as Stripe does.
 */
class FakeStripe {
  readonly received: ReceivedMeterEvent[] = [];
  /** Status codes to answer, in turn, for an identifier; then 200. */
  readonly script = new Map<string, number[]>();
  private readonly server: Server = createServer((request, response) => void this.answer(request, response));

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const form = Object.fromEntries(new URLSearchParams(body));
    this.received.push({
      path: `${request.method} ${request.url}`,
      authorization: request.headers.authorization,
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      form,
    });
    const status = this.script.get(form.identifier)?.shift() ?? 200;
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomUUID()}` });
    if (status === 200) {
      response.end(JSON.stringify({ object: 'billing.meter_event', created: Math.floor(NOW / 1000), event_name: form.event_name, identifier: form.identifier, livemode: false, payload: {}, timestamp: Number(form.timestamp) }));
    } else {
      const type = status === 400 ? 'invalid_request_error' : 'api_error';
      response.end(JSON.stringify({ error: { type, message: status === 400 ? 'No such customer' : 'Something went wrong on our end' } }));
    }
  }
}

/**
 * Meter reports from the metering transaction to Stripe's Billing Meters API, against a fake Stripe
 * server: what is queued, what is sent (event name, customer, value, identifier, idempotency key,
 * timestamp), and how failures are retried or given up.
 */
describe('meter reports', () => {
  const stripe = new FakeStripe();
  let app: BillingTestApp;
  let database: BillingDatabase;
  let job: MeterReportsJob;
  let now = NOW;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const port = await stripe.start();
    app = await startBillingTestApp({
      env: { STRIPE_API_KEY: API_KEY, BILLING_JOB_INTERVAL_MS: '3600000', STRIPE_EVENT_RETRY_BASE_MS: '60000', STRIPE_EVENT_RETRY_MAX_MS: '60000', STRIPE_EVENT_MAX_ATTEMPTS: '3' },
    });
    // The service's own job would call api.stripe.com: the test runs one bound to the fake instead.
    await app.service.app.get(MeterReportsJob).stop();
    const clock = app.service.app.get<BillingClock>(BILLING_CLOCK);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(now));
    database = app.service.app.get<BillingDatabase>(DATABASE_CLIENT);
    job = new MeterReportsJob(
      database,
      app.service.app.get<BillingConfig>(SERVICE_CONFIG),
      app.service.app.get<Logger>(LOGGER),
      clock,
      stripeMeterEvents(API_KEY, { host: '127.0.0.1', port, protocol: 'http' }),
      app.service.app.get(MeterReportsRepository),
    );
  });

  afterAll(async () => {
    await app?.close();
    await stripe.stop();
  });

  const tenant = (name: string) => `${name}-${run}`;

  async function withCustomer(name: string): Promise<string> {
    const customer = `cus_${name.replaceAll('-', '')}${run}`;
    await app.sql(`insert into customers (stripe_customer_id, tenant_id) values ($1, $2)`, [customer, tenant(name)]);
    return customer;
  }

  /** One metering batch, as the record.stored.v1 handler runs it. */
  async function meter(name: string, count: number, storedAt: string): Promise<void> {
    const events = Array.from({ length: count }, () => {
      const messageId = randomUUID();
      const payload = { ...EVENT_EXAMPLES['record.stored.v1'], tenantId: tenant(name), recordId: randomUUID(), storedAt };
      return { type: 'record.stored.v1', messageId, correlationId: messageId, tenantId: tenant(name), deliveryCount: 0, payload } as IncomingEvent<'record.stored.v1'>;
    });
    await database.db.transaction((tx) => app.service.app.get(MeteringService).meter(tx, events));
  }

  const reports = (name: string) =>
    app.sql<{ period: string; slice: number; quantity: number; identifier: string; status: string; attempts: number; last_error: string | null }>(
      `select period, slice, quantity::int as quantity, identifier, status, attempts, last_error from meter_reports where tenant_id = $1 order by period, slice`,
      [tenant(name)],
    );
  const sentTo = (customer: string) => stripe.received.filter((request) => request.form['payload[stripe_customer_id]'] === customer);

  it('queues one report per tenant, period and batch in the metering transaction, only for tenants with a Stripe customer', async () => {
    await withCustomer('mr-a');
    await meter('mr-a', 300, '2026-02-10T00:00:00Z');
    await meter('mr-a', 200, '2026-02-11T00:00:00Z');
    await meter('mr-a', 50, '2026-01-31T23:59:00Z');
    await meter('mr-free', 40, '2026-02-10T00:00:00Z');

    const pending = { status: 'pending', attempts: 0, last_error: null };
    expect(await reports('mr-a')).toEqual([
      { period: '2026-01', slice: 50, quantity: 50, identifier: `${tenant('mr-a')}:2026-01:50`, ...pending },
      { period: '2026-02', slice: 300, quantity: 300, identifier: `${tenant('mr-a')}:2026-02:300`, ...pending },
      { period: '2026-02', slice: 500, quantity: 200, identifier: `${tenant('mr-a')}:2026-02:500`, ...pending },
    ]);
    expect(await reports('mr-free')).toEqual([]);
  });

  it('sends each report as a meter event under its identifier, retries a failure later under the same one', async () => {
    const customer = `cus_mra${run}`;
    stripe.script.set(`${tenant('mr-a')}:2026-02:500`, [500]);

    expect(await job.runOnce()).toEqual({ sent: 2, retried: 1, failed: 0, failedTenants: [] });
    expect(sentTo(customer).map((request) => [request.form.identifier, request.form['payload[value]']])).toEqual([
      [`${tenant('mr-a')}:2026-01:50`, '50'],
      [`${tenant('mr-a')}:2026-02:300`, '300'],
      [`${tenant('mr-a')}:2026-02:500`, '200'],
    ]);
    const [january, february] = sentTo(customer);
    expect(january).toEqual({
      path: 'POST /v1/billing/meter_events',
      authorization: `Bearer ${API_KEY}`,
      idempotencyKey: `${tenant('mr-a')}:2026-01:50`,
      form: {
        event_name: 'mapping_records',
        'payload[stripe_customer_id]': customer,
        'payload[value]': '50',
        identifier: `${tenant('mr-a')}:2026-01:50`,
        // January's usage is dated in January, so Stripe bills it there.
        timestamp: String(Date.parse('2026-01-31T23:59:59Z') / 1000),
      },
    });
    expect(february.form.timestamp).toBe(String(NOW / 1000));
    expect((await reports('mr-a')).map(({ slice, status, attempts, last_error }) => ({ slice, status, attempts, last_error }))).toEqual([
      { slice: 50, status: 'sent', attempts: 1, last_error: null },
      { slice: 300, status: 'sent', attempts: 1, last_error: null },
      { slice: 500, status: 'pending', attempts: 1, last_error: 'StripeAPIError (HTTP 500): Something went wrong on our end' },
    ]);

    // Not due again before its backoff (at least half of STRIPE_EVENT_RETRY_BASE_MS) has passed.
    now = NOW + 29_000;
    expect(await job.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0, failedTenants: [] });
    now = NOW + 60_000;
    expect(await job.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0, failedTenants: [] });
    const retried = sentTo(customer).slice(3);
    expect(retried.map((request) => [request.form.identifier, request.idempotencyKey, request.form['payload[value]']])).toEqual([
      [`${tenant('mr-a')}:2026-02:500`, `${tenant('mr-a')}:2026-02:500`, '200'],
    ]);
    expect((await reports('mr-a')).every((report) => report.status === 'sent')).toBe(true);

    expect(await job.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0, failedTenants: [] });
    expect(sentTo(customer)).toHaveLength(4);
  });

  it('marks a report Stripe refuses failed at once, and one that keeps failing after STRIPE_EVENT_MAX_ATTEMPTS', async () => {
    await withCustomer('mr-refused');
    await withCustomer('mr-down');
    await meter('mr-refused', 10, '2026-02-12T00:00:00Z');
    await meter('mr-down', 20, '2026-02-12T00:00:00Z');
    stripe.script.set(`${tenant('mr-refused')}:2026-02:10`, [400]);
    stripe.script.set(`${tenant('mr-down')}:2026-02:20`, [503, 503, 503, 503]);

    expect(await job.runOnce()).toEqual({ sent: 0, retried: 1, failed: 1, failedTenants: [] });
    expect(await reports('mr-refused')).toMatchObject([{ status: 'failed', attempts: 1, last_error: 'StripeInvalidRequestError (HTTP 400): No such customer' }]);
    for (const attempts of [2, 3]) {
      now += 60_000;
      await job.runOnce();
      expect(await reports('mr-down')).toMatchObject([{ attempts }]);
    }
    expect(await reports('mr-down')).toMatchObject([{ status: 'failed', attempts: 3 }]);
    now += 3_600_000;
    expect(await job.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0, failedTenants: [] });
    expect(stripe.received.filter((request) => request.form.identifier === `${tenant('mr-down')}:2026-02:20`)).toHaveLength(3);
  });
});
