import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { createTestDatabase, startTestServiceBus, TestDatabase, until, workspaceRoot } from '@comply/testing';
import { Client, Pool } from 'pg';
import { TEST_WEBHOOK_SECRET } from '../testing/billing-test-app';
import { StripeFixtureEvent, stripeFixtureEvent, stripeSignatureHeader } from './stripe-event-fixtures';

const TENANTS = 5;

interface BillingProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  url: Promise<string>;
}

/**
 * Store first, process after: a webhook is acknowledged once the event is stored, so billing may
 * die before it processes it. This test kills billing with SIGKILL while every event is stored
 * and none processed — one of them in the middle of its processing transaction — restarts it, and
 * counts: every event processed exactly once, every billing event published exactly once.
 *
 * To hold billing in that state without hooks in its code, the test itself keeps a SHARE lock on
 * the tables processing writes (customers, subscriptions, invoices), as a long-running migration
 * or a slow transaction elsewhere would: the webhook still stores (stripe_events is not locked),
 * the first event's transaction waits at its first write, and the rest wait behind it.
 */
describe('billing killed with SIGKILL between storing Stripe events and processing them, then restarted', () => {
  let database: TestDatabase;
  let bus: RunningEmulator;
  let admin: Pool;
  let blocker: Client;
  const processes: BillingProcess[] = [];
  const adminToken = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    database = await createTestDatabase('billing');
    bus = await startTestServiceBus();
    admin = new Pool({ connectionString: database.adminUrl, max: 2 });
    blocker = new Client({ connectionString: database.adminUrl });
    await blocker.connect();
  }, 60_000);

  afterAll(async () => {
    for (const started of processes) {
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      await started.exited;
    }
    await blocker?.end();
    await admin?.end();
    await bus?.stop();
    await database?.drop();
  });

  function startBilling(): BillingProcess {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(workspaceRoot(), 'apps/billing/src/main.ts')], {
      cwd: workspaceRoot(),
      env: {
        ...process.env,
        ...database.serviceEnv,
        PORT: '0',
        LOG_LEVEL: 'info',
        MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        ADMIN_TOKEN: adminToken,
        STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
        BILLING_JOB_INTERVAL_MS: '500',
        CONSUMER_RETRY_BASE_MS: '50',
        CONSUMER_RETRY_MAX_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const url = new Promise<string>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        const listening = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"billing listening"/.exec(output.join(''));
        if (listening) resolve(listening[1]);
      });
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const started = { child, output, url, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
    processes.push(started);
    return started;
  }

  /** The service's URL once it is ready; fails at once, with what it wrote, if it exits first. */
  async function ready(started: BillingProcess): Promise<string> {
    const url = await Promise.race([started.url, started.exited.then(() => undefined)]);
    if (url === undefined) throw new Error(`billing exited (${started.child.exitCode}) during start:\n${started.output.join('')}`);
    const health = await until(
      () => fetch(`${url}/health/ready`).then((response) => response.status, () => 0),
      (status) => status === 200,
      { timeoutMs: 60_000 },
    );
    expect(health).toBe(200);
    return url;
  }

  async function deliver(url: string, event: StripeFixtureEvent): Promise<number> {
    const body = JSON.stringify(event, null, 2);
    const response = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(body, TEST_WEBHOOK_SECRET) },
      body,
    });
    return response.status;
  }

  const count = async (query: string, values: unknown[] = []) => Number((await admin.query<{ n: string }>(query, values)).rows[0].n);
  const appBackends = (condition = 'true') =>
    count(`select count(*) as n from pg_stat_activity where datname = current_database() and usename = $1 and ${condition}`, [database.roles.app]);

  it('processes every stored event exactly once after the restart', async () => {
    const since = Math.floor(Date.now() / 1000) - 600;
    const events = Array.from({ length: TENANTS }, (_, index) => `crash-tenant-${index}`).flatMap((tenantId) => [
      stripeFixtureEvent('customer.subscription.created', { tenantId, created: since }),
      stripeFixtureEvent('invoice.created', { tenantId, created: since + 10 }),
      stripeFixtureEvent('invoice.finalized', { tenantId, created: since + 20 }),
      stripeFixtureEvent('invoice.paid', { tenantId, created: since + 30 }),
      stripeFixtureEvent('customer.subscription.updated', { tenantId, created: since + 40, object: { cancel_at_period_end: true } }),
    ]);

    await blocker.query('begin');
    await blocker.query('lock table customers, subscriptions, invoices in share mode');
    const first = startBilling();
    const firstUrl = await ready(first);
    for (const event of events) expect(await deliver(firstUrl, event)).toBe(200);

    // Every event stored and acknowledged; one processing transaction open and waiting, nothing processed.
    const stored = await until(() => count('select count(*) as n from stripe_events'), (n) => n === events.length);
    expect(stored).toBe(events.length);
    expect(await until(() => appBackends(`wait_event_type = 'Lock'`), (n) => n >= 1)).toBeGreaterThanOrEqual(1);
    expect(await count(`select count(*) as n from stripe_events where status <> 'pending'`)).toBe(0);
    expect(await count(`select count(*) as n from messaging_outbox where subject like 'billing.%'`)).toBe(0);

    first.child.kill('SIGKILL');
    await first.exited;
    await blocker.query('commit');
    // The killed process's backends notice their client is gone; the waiting one rolls back.
    expect(await until(() => appBackends(), (n) => n === 0, { timeoutMs: 30_000 })).toBe(0);
    expect(await count(`select count(*) as n from stripe_events where status <> 'pending' or attempts > 0`)).toBe(0);
    expect(await count('select count(*) as n from subscriptions')).toBe(0);

    const second = startBilling();
    await ready(second);
    const processed = await until(
      () => count(`select count(*) as n from stripe_events where status = 'processed'`),
      (n) => n === events.length,
      { timeoutMs: 60_000 },
    );
    expect(processed).toBe(events.length);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(await count(`select count(*) as n from stripe_events where attempts <> 1 or last_error is not null`)).toBe(0);
    const published = await admin.query<{ subject: string; total: string; correlations: string[] }>(
      `select subject, count(*) as total, array_agg(correlation_id order by correlation_id) as correlations
         from messaging_outbox where subject in ('billing.subscription.changed.v1', 'billing.invoice.paid.v1') group by subject order by subject`,
    );
    const idsOf = (type: string) => events.filter((event) => event.type === type).map((event) => event.id);
    expect(published.rows.map((row) => ({ subject: row.subject, total: Number(row.total), correlations: row.correlations }))).toEqual([
      { subject: 'billing.invoice.paid.v1', total: TENANTS, correlations: idsOf('invoice.paid').sort() },
      {
        subject: 'billing.subscription.changed.v1',
        total: 2 * TENANTS,
        correlations: [...idsOf('customer.subscription.created'), ...idsOf('customer.subscription.updated')].sort(),
      },
    ]);
    expect((await admin.query('select status, cancel_at_period_end from subscriptions')).rows).toEqual(Array(TENANTS).fill({ status: 'active', cancel_at_period_end: true }));
    expect((await admin.query('select status from invoices')).rows).toEqual(Array(TENANTS).fill({ status: 'paid' }));
  }, 240_000);
});
