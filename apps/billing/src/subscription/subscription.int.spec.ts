import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

describe('GET /v1/billing/subscription and plan overrides (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('sub-tenant', ['read']);
  }, 60_000);

  afterAll(() => app?.close());

  it('answers the free plan, active, with the free quota for a tenant billing has not seen yet', async () => {
    const response = await app.request('GET', '/v1/billing/subscription', { token: tenant.key });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tenantId: 'sub-tenant',
      plan: { code: 'free', name: 'Free', priceMinor: 0, currency: 'usd', interval: 'month', includedRecords: 1000, overagePriceMinorPer1000: null },
      source: 'default',
      status: 'active',
      graceEndsAt: null,
      subscription: null,
      quota: { monthlyRecords: 1000 },
    });
  });

  it("shows the account billing decided and the tenant's live Stripe subscription, not an ended one", async () => {
    const other = await app.createTenant('sub-live', ['read']);
    await app.sql(`insert into tenant_accounts (tenant_id, plan_code, plan_source, status, grace_ends_at, published_quota) values ($1, 'starter', 'subscription', 'past_due', '2026-12-20T00:00:00Z', 50000)`, [other.id]);
    await app.sql(
      `insert into subscriptions (stripe_subscription_id, tenant_id, stripe_customer_id, plan_code, status, current_period_start, current_period_end, trial_end, cancel_at, cancel_at_period_end, created_at)
       values ('sub_live', $1, 'cus_1', 'starter', 'past_due', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z', null, '2027-01-01T00:00:00Z', true, now() - interval '1 day'),
              ('sub_ended', $1, 'cus_1', 'pro', 'canceled', '2026-12-05T00:00:00Z', '2027-01-05T00:00:00Z', null, null, false, now())`,
      [other.id],
    );
    const response = await app.request('GET', '/v1/billing/subscription', { token: other.key });
    expect(response.body).toMatchObject({
      plan: { code: 'starter', includedRecords: 50000, overagePriceMinorPer1000: 200, priceMinor: 4900 },
      source: 'subscription',
      status: 'past_due',
      graceEndsAt: '2026-12-20T00:00:00.000Z',
      subscription: {
        id: 'sub_live',
        status: 'past_due',
        planCode: 'starter',
        currentPeriodStart: '2026-12-01T00:00:00.000Z',
        currentPeriodEnd: '2027-01-01T00:00:00.000Z',
        trialEnd: null,
        cancelAt: '2027-01-01T00:00:00.000Z',
        cancelAtPeriodEnd: true,
      },
      quota: { monthlyRecords: 50000 },
    });
    // The first tenant still sees only its own (no) subscription.
    expect((await app.request('GET', '/v1/billing/subscription', { token: tenant.key })).body.subscription).toBeNull();
  });

  it('refuses a request without a key (401) and a key without the read scope (403)', async () => {
    expect((await app.request('GET', '/v1/billing/subscription')).status).toBe(401);
    const ingestOnly = await tenant.keyWith(['ingest']);
    const forbidden = await app.request('GET', '/v1/billing/subscription', { token: ingestOnly });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/read/);
  });

  describe('PUT and DELETE /admin/tenants/:tenantId/plan-override', () => {
    it('puts the tenant on the plan, publishes its quota, audits the request, and lifts it again', async () => {
      const target = await app.createTenant('override-tenant', ['read']);
      const set = await app.admin('PUT', `/admin/tenants/${target.id}/plan-override`, { planCode: 'pro' });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ tenantId: target.id, plan: { code: 'pro' }, source: 'override', quota: { monthlyRecords: 1_000_000 } });
      expect((await app.request('GET', '/v1/billing/subscription', { token: target.key })).body).toMatchObject({ plan: { code: 'pro' }, source: 'override' });
      const quota = (await app.outbox('billing.quota.changed.v1')).filter((row) => row.tenant_id === target.id);
      expect(quota.at(-1)?.body).toMatchObject({ tenantId: target.id, plan: 'pro', quota: { monthlyRecords: 1_000_000 } });
      expect((await app.auditOf(set)).map((row) => row.body)).toContainEqual(
        expect.objectContaining({ actor: { type: 'user', id: 'platform-admin' }, action: 'plan_override.set', tenantId: target.id, details: { planCode: 'pro', previous: null } }),
      );

      const lifted = await app.admin('DELETE', `/admin/tenants/${target.id}/plan-override`);
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({ plan: { code: 'free' }, source: 'default', quota: { monthlyRecords: 1000 } });
      expect((await app.auditOf(lifted)).map((row) => row.body.action)).toContain('plan_override.remove');
      expect((await app.admin('DELETE', `/admin/tenants/${target.id}/plan-override`)).status).toBe(404);
    });

    it('refuses an unknown plan (400 naming planCode), an inactive one (409), an unknown or malformed tenant (404) and no token (401)', async () => {
      const target = await app.createTenant('override-refusals', ['read']);
      const unknownPlan = await app.admin('PUT', `/admin/tenants/${target.id}/plan-override`, { planCode: 'platinum' });
      expect(unknownPlan.status).toBe(400);
      expect(unknownPlan.body.issues).toEqual([expect.objectContaining({ path: 'planCode' })]);
      await app.sql(`insert into plans (code, name, price_minor, included_records, active) values ('legacy', 'Legacy', 100, 10, false)`);
      expect((await app.admin('PUT', `/admin/tenants/${target.id}/plan-override`, { planCode: 'legacy' })).status).toBe(409);
      expect((await app.admin('PUT', '/admin/tenants/nobody-here/plan-override', { planCode: 'pro' })).status).toBe(404);
      expect((await app.admin('PUT', '/admin/tenants/bad%00id/plan-override', { planCode: 'pro' })).status).toBe(404);
      expect((await app.admin('PUT', `/admin/tenants/${target.id}/plan-override`, { planCode: 'PRO!' })).status).toBe(400);
      expect((await app.request('PUT', `/admin/tenants/${target.id}/plan-override`, { body: { planCode: 'pro' } })).status).toBe(401);
      // None of these left an account or an override behind.
      expect(await app.sql(`select * from tenant_accounts where tenant_id = $1`, [target.id])).toEqual([]);
    });
  });
});
