import { billingDunningStepV1 } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_RECONCILER, AccountReconciler } from '../accounts/account-reconciler';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { BillingDatabase } from '../database/billing-database';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { DunningJob } from './dunning.job';

const DAY_MS = 24 * 60 * 60 * 1_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY_MS);

/**
 * Dunning end to end in billing as it runs: the invoice facts as webhook processing leaves them,
 * the reconciler, the job, the outbox. Time is billing's injected clock, moved by the test.
 */
describe('dunning', () => {
  let app: BillingTestApp;
  let database: BillingDatabase;
  let reconciler: AccountReconciler;
  let job: DunningJob;
  let now = T0;

  beforeAll(async () => {
    app = await startBillingTestApp({
      env: { BILLING_JOB_INTERVAL_MS: '3600000', DUNNING_REMINDER_DAYS: '1,3,10', DUNNING_GRACE_DAYS: '7', DUNNING_RESTRICTED_QUOTA: 'free' },
    });
    database = app.service.runtime.database as BillingDatabase;
    reconciler = app.service.app.get(ACCOUNT_RECONCILER);
    job = app.service.app.get(DunningJob);
    // The tests drive runs themselves, at the time they set.
    await job.stop();
    jest.spyOn(app.service.app.get<BillingClock>(BILLING_CLOCK), 'now').mockImplementation(() => new Date(now));
  });

  afterAll(async () => {
    await app?.close();
  });

  const reconcile = (tenantId: string) => withTenant(database.db, tenantId, (tx) => reconciler.reconcile(tx, tenantId, { correlationId: randomUUID() }));
  const account = async (tenantId: string) =>
    (await app.sql(`select status, grace_ends_at, published_quota from tenant_accounts where tenant_id = $1`, [tenantId]))[0];
  const stepEvents = async (tenantId: string) =>
    (await app.outbox('billing.dunning.step.v1')).filter((row) => row.tenant_id === tenantId).map((row) => billingDunningStepV1.parse(row.body));
  const quotas = async (tenantId: string) =>
    (await app.outbox('billing.quota.changed.v1')).filter((row) => row.tenant_id === tenantId).map((row) => row.body.quota.monthlyRecords);
  const auditActions = async (tenantId: string) =>
    (await app.outbox('audit.event.v1')).filter((row) => row.tenant_id === tenantId).map((row) => row.body.action as string);
  const steps = (tenantId: string) =>
    app.sql<{ step: string; sequence: number; due_at: Date; state: string }>(
      `select step, sequence, due_at, case when done_at is not null then 'done' when cancelled_at is not null then 'cancelled' else 'pending' end as state
         from dunning_steps where tenant_id = $1 order by due_at, step`,
      [tenantId],
    );

  /** A tenant on the starter plan (50,000 records) with an open invoice of 4,900 cents. */
  async function starterTenantWithInvoice(): Promise<{ tenantId: string; invoiceId: string }> {
    const tenantId = `dun-${randomUUID()}`;
    const suffix = randomUUID().replaceAll('-', '');
    await app.sql(`insert into customers (stripe_customer_id, tenant_id) values ($1, $2)`, [`cus_${suffix}`, tenantId]);
    await app.sql(
      `insert into subscriptions (stripe_subscription_id, tenant_id, stripe_customer_id, plan_code, status) values ($1, $2, $3, 'starter', 'active')`,
      [`sub_${suffix}`, tenantId, `cus_${suffix}`],
    );
    await app.sql(
      `insert into invoices (stripe_invoice_id, tenant_id, stripe_customer_id, stripe_subscription_id, status, currency, amount_due)
       values ($1, $2, $3, $4, 'open', 'usd', 4900)`,
      [`in_${suffix}`, tenantId, `cus_${suffix}`, `sub_${suffix}`],
    );
    now = T0 - DAY_MS;
    await reconcile(tenantId);
    return { tenantId, invoiceId: `in_${suffix}` };
  }

  async function paymentFails(tenantId: string, invoiceId: string): Promise<void> {
    now = T0;
    await app.sql(`update invoices set attempt_count = 1, stripe_updated_at = $2 where stripe_invoice_id = $1`, [invoiceId, new Date(T0)]);
    await reconcile(tenantId);
  }

  async function invoicePaid(tenantId: string, invoiceId: string): Promise<void> {
    await app.sql(`update invoices set status = 'paid', amount_paid = amount_due, paid_at = $2 where stripe_invoice_id = $1`, [invoiceId, new Date(now)]);
    await reconcile(tenantId);
  }

  async function runJobAt(days: number) {
    now = at(days).getTime();
    return job.runOnce();
  }

  it('reminds, restricts after the grace period, and recovers on payment, every transition audited', async () => {
    const { tenantId, invoiceId } = await starterTenantWithInvoice();
    expect(await account(tenantId)).toEqual({ status: 'active', grace_ends_at: null, published_quota: 50000 });

    await paymentFails(tenantId, invoiceId);
    expect(await account(tenantId)).toEqual({ status: 'past_due', grace_ends_at: at(7), published_quota: 50000 });
    expect(await steps(tenantId)).toEqual([
      { step: 'reminder', sequence: 1, due_at: at(1), state: 'pending' },
      { step: 'reminder', sequence: 2, due_at: at(3), state: 'pending' },
      { step: 'restricted', sequence: 1, due_at: at(7), state: 'pending' },
      { step: 'reminder', sequence: 3, due_at: at(10), state: 'pending' },
    ]);
    // A repeated reconciliation (another webhook for the same invoice) schedules nothing twice.
    await reconcile(tenantId);
    expect(await steps(tenantId)).toHaveLength(4);

    expect(await runJobAt(0.5)).toMatchObject({ reminders: 0, restricted: 0 });
    expect(await stepEvents(tenantId)).toEqual([]);

    expect(await runJobAt(1)).toMatchObject({ reminders: 1, restricted: 0 });
    expect(await runJobAt(1)).toMatchObject({ reminders: 0, restricted: 0 });
    expect(await runJobAt(3.01)).toMatchObject({ reminders: 1, restricted: 0 });
    const reminder = { tenantId, stripeInvoiceId: invoiceId, step: 'reminder', amountDue: 4900, currency: 'usd', graceEndsAt: at(7).toISOString() };
    expect(await stepEvents(tenantId)).toEqual([
      { ...reminder, sequence: 1, occurredAt: at(1).toISOString() },
      { ...reminder, sequence: 2, occurredAt: at(3.01).toISOString() },
    ]);
    expect(await account(tenantId)).toMatchObject({ status: 'past_due', published_quota: 50000 });

    expect(await runJobAt(7)).toMatchObject({ reminders: 0, restricted: 1 });
    expect(await account(tenantId)).toEqual({ status: 'restricted', grace_ends_at: null, published_quota: 1000 });
    expect((await stepEvents(tenantId)).slice(2)).toEqual([
      { tenantId, stripeInvoiceId: invoiceId, step: 'restricted', sequence: 1, amountDue: 4900, currency: 'usd', occurredAt: at(7).toISOString() },
    ]);
    expect(await quotas(tenantId)).toEqual([50000, 1000]);

    now = at(8).getTime();
    await invoicePaid(tenantId, invoiceId);
    expect(await account(tenantId)).toEqual({ status: 'active', grace_ends_at: null, published_quota: 50000 });
    expect(await quotas(tenantId)).toEqual([50000, 1000, 50000]);
    expect((await stepEvents(tenantId)).slice(3)).toEqual([
      { tenantId, stripeInvoiceId: invoiceId, step: 'recovered', sequence: 1, amountDue: 0, currency: 'usd', occurredAt: at(8).toISOString() },
    ]);
    expect((await steps(tenantId)).map((step) => [step.step, step.sequence, step.state])).toEqual([
      ['reminder', 1, 'done'],
      ['reminder', 2, 'done'],
      ['restricted', 1, 'done'],
      ['recovered', 1, 'done'],
      ['reminder', 3, 'cancelled'],
    ]);

    // Nothing is left to do, and a later reconciliation announces no second recovery.
    expect(await runJobAt(11)).toMatchObject({ reminders: 0, restricted: 0 });
    await reconcile(tenantId);
    expect(await stepEvents(tenantId)).toHaveLength(4);

    expect(await auditActions(tenantId)).toEqual([
      'billing_account.open',
      'billing_account.mark_past_due',
      'billing_account.remind',
      'billing_account.remind',
      'billing_account.restrict',
      'billing_account.recover',
    ]);
    const audits = (await app.outbox('audit.event.v1')).filter((row) => row.tenant_id === tenantId).map((row) => row.body);
    expect(audits.every((audit) => audit.actor.type === 'service' && audit.actor.id === 'billing' && audit.resource.id === tenantId)).toBe(true);
    expect(audits[4].details).toMatchObject({ status: 'restricted', quota: 1000, previous: { status: 'past_due', quota: 50000 } });
    expect(audits[5].details).toMatchObject({ status: 'active', quota: 50000, previous: { status: 'restricted', quota: 1000 } });
  });

  it('cancels every pending step when the invoice is paid within grace, without touching the quota', async () => {
    const { tenantId, invoiceId } = await starterTenantWithInvoice();
    await paymentFails(tenantId, invoiceId);
    await runJobAt(1);
    now = at(2).getTime();
    await invoicePaid(tenantId, invoiceId);

    expect(await account(tenantId)).toEqual({ status: 'active', grace_ends_at: null, published_quota: 50000 });
    expect((await steps(tenantId)).map((step) => [step.step, step.sequence, step.state])).toEqual([
      ['reminder', 1, 'done'],
      ['recovered', 1, 'done'],
      ['reminder', 2, 'cancelled'],
      ['restricted', 1, 'cancelled'],
      ['reminder', 3, 'cancelled'],
    ]);
    expect(await runJobAt(30)).toMatchObject({ reminders: 0, restricted: 0 });
    expect((await stepEvents(tenantId)).map((event) => event.step)).toEqual(['reminder', 'recovered']);
    expect(await quotas(tenantId)).toEqual([50000]);
    expect(await auditActions(tenantId)).toEqual(['billing_account.open', 'billing_account.mark_past_due', 'billing_account.remind', 'billing_account.recover']);
  });

  it('ends dunning without a recovery when the invoice is voided, and cancels steps the reconciliation missed', async () => {
    const { tenantId, invoiceId } = await starterTenantWithInvoice();
    await paymentFails(tenantId, invoiceId);
    // Voided behind the reconciler's back: the job finds the due steps of an invoice no longer failing.
    await app.sql(`update invoices set status = 'void' where stripe_invoice_id = $1`, [invoiceId]);
    expect(await runJobAt(3)).toMatchObject({ reminders: 0, restricted: 0 });

    expect(await account(tenantId)).toMatchObject({ status: 'active', published_quota: 50000 });
    expect((await steps(tenantId)).every((step) => step.state === 'cancelled')).toBe(true);
    expect(await stepEvents(tenantId)).toEqual([]);
    expect(await auditActions(tenantId)).toEqual(['billing_account.open', 'billing_account.mark_past_due', 'billing_account.recover']);
  });
});
