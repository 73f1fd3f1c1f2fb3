import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/testing';
import { BillingTestApp, startBillingTestApp, TEST_WEBHOOK_SECRET } from '../testing/billing-test-app';
import { sendStripeEvents } from './cli/stripe-event-sender';
import { LOCAL_WEBHOOK_SECRET_FILE } from './cli/webhook-signing-secret';
import { stripeFixtureIds } from './stripe-event-fixtures';
import { settledEvents } from './testing/stripe-delivery';

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the npm scripts' entry points as `npm run` would, with `env` over this process's. */
function runScript(script: string, args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(workspaceRoot(), 'apps/billing/src/stripe/cli', script), ...args], {
    cwd: workspaceRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run stripe:send and stripe:backfill (integration)', () => {
  let app: BillingTestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'billing-stripe-cli-'));

  beforeAll(async () => {
    app = await startBillingTestApp({ env: { BILLING_JOB_INTERVAL_MS: '200' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sent = (stdout: string) => [...stdout.matchAll(/^(\S+) (evt_\w+): 200 /gm)].map((match) => ({ type: match[1], id: match[2] }));

  it('lets a user watch a subscription, an invoice and a failed payment flow through, without a Stripe account', async () => {
    const tenantId = 'cli-acme';
    const ids = stripeFixtureIds(tenantId);
    const subscribe = await sendStripeEvents({
      url: app.url,
      secret: TEST_WEBHOOK_SECRET,
      types: ['customer.created', 'checkout.session.completed', 'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'payment_intent.succeeded'],
      fixture: { tenantId, plan: 'pro' },
    });
    expect(subscribe.map((event) => event.status)).toEqual(subscribe.map(() => 200));
    expect((await settledEvents(app, subscribe.map((event) => event.id))).map((row) => [row.status, row.last_error])).toEqual(subscribe.map(() => ['processed', null]));
    expect(await app.sql('select plan_code, status from subscriptions where tenant_id = $1', [tenantId])).toEqual([{ plan_code: 'pro', status: 'active' }]);
    expect(await app.sql('select status, amount_paid::int from invoices where tenant_id = $1', [tenantId])).toEqual([{ status: 'paid', amount_paid: 49900 }]);

    const failedInvoice = 'in_1NextMonth';
    const fail = await sendStripeEvents({
      url: app.url,
      secret: TEST_WEBHOOK_SECRET,
      types: ['invoice.finalized', 'invoice.payment_failed', 'payment_intent.payment_failed'],
      fixture: { tenantId, plan: 'pro', invoiceId: failedInvoice, paymentIntentId: 'pi_1NextMonth', chargeId: 'ch_1NextMonth' },
    });
    const pastDue = await sendStripeEvents({ url: app.url, secret: TEST_WEBHOOK_SECRET, types: ['customer.subscription.updated'], fixture: { tenantId, plan: 'pro', object: { status: 'past_due' } } });
    const failureIds = [...fail, ...pastDue].map((event) => event.id);
    expect((await settledEvents(app, failureIds)).map((row) => [row.status, row.last_error])).toEqual(failureIds.map(() => ['processed', null]));
    expect(await app.sql('select status from subscriptions where tenant_id = $1', [tenantId])).toEqual([{ status: 'past_due' }]);
    expect(await app.sql('select status, attempt_count from invoices where stripe_invoice_id = $1', [failedInvoice])).toEqual([{ status: 'open', attempt_count: 1 }]);
    expect(await app.sql('select status, failure_code from payments where stripe_payment_id = $1', ['pi_1NextMonth'])).toEqual([{ status: 'failed', failure_code: 'insufficient_funds' }]);
    const announced = (await app.outbox()).filter((row) => row.tenant_id === tenantId && row.subject.startsWith('billing.invoice.'));
    expect(announced.map((row) => [row.subject, row.body.stripeInvoiceId])).toEqual([
      ['billing.invoice.paid.v1', ids.invoiceId],
      ['billing.invoice.payment_failed.v1', failedInvoice],
    ]);
  }, 60_000);

  it('stripe:send signs with STRIPE_WEBHOOK_SECRETS, else with the secret `npm start` keeps in DATA_DIR', async () => {
    const configured = await runScript('stripe-send.ts', ['customer.created', '--tenant', 'cli-configured', '--url', app.url], { STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET });
    expect(configured.code).toBe(0);
    expect(sent(configured.stdout).map((event) => event.type)).toEqual(['customer.created']);

    writeFileSync(join(dataDir, LOCAL_WEBHOOK_SECRET_FILE), `${TEST_WEBHOOK_SECRET}\n`, { mode: 0o600 });
    const local = await runScript('stripe-send.ts', ['customer.created', 'customer.subscription.created', '--tenant', 'cli-local', '--plan', 'starter', '--url', app.url], {
      STRIPE_WEBHOOK_SECRETS: undefined,
      DATA_DIR: dataDir,
    });
    expect(local.code).toBe(0);
    const events = sent(local.stdout);
    expect(events.map((event) => event.type)).toEqual(['customer.created', 'customer.subscription.created']);
    expect((await settledEvents(app, events.map((event) => event.id))).map((row) => [row.status, row.tenant_id])).toEqual([
      ['processed', 'cli-local'],
      ['processed', 'cli-local'],
    ]);

    const wrongSecret = await runScript('stripe-send.ts', ['customer.created', '--tenant', 'cli-wrong', '--url', app.url], { STRIPE_WEBHOOK_SECRETS: 'whsec_not_billings' });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toMatch(/customer\.created evt_\w+: 400 .*Invalid Stripe signature/);
  }, 60_000);

  it('stripe:send explains its usage when the arguments are wrong', async () => {
    const noTenant = await runScript('stripe-send.ts', ['customer.created'], { STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET });
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('Usage: npm run stripe:send');
    const unknownType = await runScript('stripe-send.ts', ['invoice.exploded', '--tenant', 'x'], { STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET });
    expect(unknownType.code).toBe(2);
    expect(unknownType.stderr).toContain('no fixture for invoice.exploded');
    const noSecret = await runScript('stripe-send.ts', ['customer.created', '--tenant', 'x'], { STRIPE_WEBHOOK_SECRETS: undefined, DATA_DIR: join(dataDir, 'empty') });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('no webhook secret');
  }, 60_000);

  it('stripe:backfill refuses clearly without STRIPE_API_KEY, reading and storing nothing', async () => {
    const before = await app.sql('select count(*)::int as n from stripe_events');
    const run = await runScript('stripe-backfill.ts', [], { ...app.database.serviceEnv, STRIPE_API_KEY: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stripe:backfill needs STRIPE_API_KEY');
    expect(await app.sql('select count(*)::int as n from stripe_events')).toEqual(before);
  }, 60_000);
});
