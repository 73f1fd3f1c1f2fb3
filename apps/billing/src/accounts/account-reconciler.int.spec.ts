import { billingQuotaChangedV1 } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { randomUUID } from 'node:crypto';
import { BillingDatabase } from '../database/billing-database';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { ACCOUNT_RECONCILER, AccountReconciler } from './account-reconciler';
import { UNLIMITED_QUOTA } from './account-decision';
import { PlanOverrides } from './plan-overrides.service';

/**
 * The reconciler in billing as it runs, on a real billing database as billing_app (row-level
 * security binds), with Stripe's facts written as the webhook processing would leave them.
 */
describe('AccountReconciler', () => {
  let app: BillingTestApp;
  let database: BillingDatabase;
  let reconciler: AccountReconciler;
  let overrides: PlanOverrides;

  beforeAll(async () => {
    app = await startBillingTestApp({ env: { BILLING_JOB_INTERVAL_MS: '3600000' } });
    database = app.service.runtime.database as BillingDatabase;
    reconciler = app.service.app.get(ACCOUNT_RECONCILER);
    overrides = app.service.app.get(PlanOverrides);
    await app.sql(`insert into plans (code, name, included_records) values ('enterprise', 'Enterprise', null), ('starter-annual', 'Starter (annual)', 50000)`);
  });

  afterAll(async () => {
    await app?.close();
  });

  const reconcile = (tenantId: string, correlationId = randomUUID()) =>
    withTenant(database.db, tenantId, (tx) => reconciler.reconcile(tx, tenantId, { correlationId, causationId: `cause-${correlationId}` }));
  const override = (tenantId: string, planCode: string | null) =>
    withTenant(database.db, tenantId, (tx) => overrides.setOverride(tx, tenantId, planCode, { correlationId: randomUUID() }));

  const account = async (tenantId: string) =>
    (
      await app.sql(`select plan_code, plan_source, status, published_quota from tenant_accounts where tenant_id = $1`, [tenantId])
    )[0];
  const quotaEvents = async (tenantId: string) => (await app.outbox('billing.quota.changed.v1')).filter((row) => row.tenant_id === tenantId);
  const audits = async (tenantId: string) =>
    (await app.outbox('audit.event.v1')).filter((row) => row.tenant_id === tenantId).map((row) => ({ action: row.body.action, details: row.body.details }));

  async function subscribe(tenantId: string, planCode: string, status = 'active'): Promise<string> {
    const customer = `cus_${randomUUID().replaceAll('-', '')}`;
    const subscription = `sub_${randomUUID().replaceAll('-', '')}`;
    await app.sql(`insert into customers (stripe_customer_id, tenant_id) values ($1, $2)`, [customer, tenantId]);
    await app.sql(
      `insert into subscriptions (stripe_subscription_id, tenant_id, stripe_customer_id, plan_code, status, current_period_start)
       values ($1, $2, $3, $4, $5, now())`,
      [subscription, tenantId, customer, planCode, status],
    );
    return subscription;
  }

  it('opens a new tenant on the free plan and publishes its quota once, as core-store expects it', async () => {
    const tenantId = `acct-${randomUUID()}`;
    const correlationId = randomUUID();
    await reconcile(tenantId, correlationId);
    await reconcile(tenantId);

    expect(await account(tenantId)).toEqual({ plan_code: 'free', plan_source: 'default', status: 'active', published_quota: 1000 });
    const [published, ...more] = await quotaEvents(tenantId);
    expect(more).toEqual([]);
    expect(billingQuotaChangedV1.parse(published.body)).toEqual({ tenantId, plan: 'free', quota: { monthlyRecords: 1000 }, occurredAt: expect.any(String) });
    expect(published).toMatchObject({ correlation_id: correlationId, causation_id: `cause-${correlationId}` });
    expect(await audits(tenantId)).toEqual([{ action: 'billing_account.open', details: { plan: 'free', planSource: 'default', status: 'active', quota: 1000 } }]);
    expect((await app.outbox('audit.event.v1')).find((row) => row.tenant_id === tenantId)?.body.actor).toEqual({ type: 'service', id: 'billing' });
  });

  it("takes the plan of the tenant's live subscription, and falls back to free once it is deleted", async () => {
    const tenantId = `acct-${randomUUID()}`;
    await reconcile(tenantId);
    await subscribe(tenantId, 'pro', 'incomplete');
    await reconcile(tenantId);
    expect(await account(tenantId)).toMatchObject({ plan_code: 'free', published_quota: 1000 });

    const subscription = await subscribe(tenantId, 'starter', 'trialing');
    await reconcile(tenantId);
    expect(await account(tenantId)).toEqual({ plan_code: 'starter', plan_source: 'subscription', status: 'active', published_quota: 50000 });

    await app.sql(`update subscriptions set status = 'canceled', deleted_at = now() where stripe_subscription_id = $1`, [subscription]);
    await reconcile(tenantId);
    expect(await account(tenantId)).toEqual({ plan_code: 'free', plan_source: 'default', status: 'active', published_quota: 1000 });

    expect((await quotaEvents(tenantId)).map((row) => [row.body.plan, row.body.quota.monthlyRecords])).toEqual([
      ['free', 1000],
      ['starter', 50000],
      ['free', 1000],
    ]);
    expect((await audits(tenantId)).map((audit) => audit.action)).toEqual(['billing_account.open', 'billing_account.change_plan', 'billing_account.change_plan']);
    expect((await audits(tenantId))[1].details).toEqual({
      plan: 'starter',
      planSource: 'subscription',
      status: 'active',
      quota: 50000,
      previous: { plan: 'free', planSource: 'default', status: 'active', quota: 1000 },
    });
  });

  it("lets an operator's override win over the subscription until it is lifted", async () => {
    const tenantId = `acct-${randomUUID()}`;
    await subscribe(tenantId, 'starter');
    await reconcile(tenantId);

    expect(await override(tenantId, 'pro')).toEqual({
      tenantId,
      planCode: 'pro',
      planSource: 'override',
      status: 'active',
      graceEndsAt: null,
      quota: 1_000_000,
    });
    await reconcile(tenantId);
    expect(await account(tenantId)).toEqual({ plan_code: 'pro', plan_source: 'override', status: 'active', published_quota: 1_000_000 });

    expect(await override(tenantId, null)).toMatchObject({ planCode: 'starter', planSource: 'subscription', quota: 50000 });
    expect((await quotaEvents(tenantId)).map((row) => row.body.quota.monthlyRecords)).toEqual([50000, 1_000_000, 50000]);
  });

  it('refuses an override to a plan that does not exist with a 400 naming planCode, changing nothing', async () => {
    const tenantId = `acct-${randomUUID()}`;
    await reconcile(tenantId);
    await expect(override(tenantId, 'platinum')).rejects.toMatchObject({
      status: 400,
      response: { message: 'Invalid planCode: there is no plan "platinum"' },
    });
    expect(await account(tenantId)).toMatchObject({ plan_code: 'free', plan_source: 'default' });
    expect(await quotaEvents(tenantId)).toHaveLength(1);
  });

  it('publishes a quota only when it changes, each later than the one before', async () => {
    const tenantId = `acct-${randomUUID()}`;
    await override(tenantId, 'starter');
    // Another plan with the same included records: a plan change, the same quota.
    await override(tenantId, 'starter-annual');
    await override(tenantId, 'starter-annual');
    await override(tenantId, 'free');
    await override(tenantId, 'starter');

    const published = await quotaEvents(tenantId);
    expect(published.map((row) => [row.body.plan, row.body.quota.monthlyRecords])).toEqual([
      ['starter', 50000],
      ['free', 1000],
      ['starter', 50000],
    ]);
    const instants = published.map((row) => Date.parse(row.body.occurredAt));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(new Set(instants).size).toBe(instants.length);
    expect((await audits(tenantId)).map((audit) => audit.action)).toEqual([
      'billing_account.open',
      'billing_account.change_plan',
      'billing_account.change_plan',
      'billing_account.change_plan',
    ]);
  });

  it('publishes the largest 32-bit count for an unlimited plan', async () => {
    const tenantId = `acct-${randomUUID()}`;
    await subscribe(tenantId, 'enterprise');
    await reconcile(tenantId);
    expect(await account(tenantId)).toMatchObject({ plan_code: 'enterprise', published_quota: UNLIMITED_QUOTA });
    const [published] = await quotaEvents(tenantId);
    expect(billingQuotaChangedV1.parse(published.body).quota.monthlyRecords).toBe(2_147_483_647);
  });

  it("cannot touch another tenant's account: the transaction's tenant context binds", async () => {
    const tenantId = `acct-${randomUUID()}`;
    await expect(
      withTenant(database.db, `other-${randomUUID()}`, (tx) => reconciler.reconcile(tx, tenantId, { correlationId: randomUUID() })),
    ).rejects.toMatchObject({ cause: { code: '42501' } });
    expect(await account(tenantId)).toBeUndefined();
  });
});
