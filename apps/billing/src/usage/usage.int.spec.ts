import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';
import { periodOf } from './usage-report';

describe('GET /v1/billing/usage (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('usage-tenant', ['read']);
    const other = await app.createTenant('usage-other', ['read']);
    await app.sql(
      `insert into usage_records (tenant_id, metric, period, quantity) values
         ($1, 'records', $3, 250), ($1, 'records', '2026-01', 1500), ($2, 'records', $3, 999)`,
      [tenant.id, other.id, periodOf(new Date())],
    );
  }, 60_000);

  afterAll(() => app?.close());

  const usage = (query = '', token = tenant.key) => app.request('GET', `/v1/billing/usage${query}`, { token });

  it('reports the current UTC month by default, against the free plan of a tenant without an account', async () => {
    const response = await usage();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ tenantId: tenant.id, period: periodOf(new Date()), metric: 'records', used: 250, included: 1000, remaining: 750, percent: 25 });
  });

  it('reports a given month; past the limit, remaining is 0 and the percentage goes above 100', async () => {
    expect((await usage('?period=2026-01')).body).toMatchObject({ period: '2026-01', used: 1500, included: 1000, remaining: 0, percent: 150 });
  });

  it('reports 0 used for a month without usage, and nothing of other tenants', async () => {
    expect((await usage('?period=2025-07')).body).toMatchObject({ used: 0, remaining: 1000, percent: 0 });
  });

  it("measures against the tenant's current plan; an unlimited plan has neither remaining nor percent", async () => {
    const unlimited = await app.createTenant('usage-unlimited', ['read']);
    await app.sql(`insert into plans (code, name, price_minor, included_records) values ('unlimited', 'Unlimited', 99900, null)`);
    await app.sql(`insert into tenant_accounts (tenant_id, plan_code, plan_source) values ($1, 'unlimited', 'override')`, [unlimited.id]);
    await app.sql(`insert into usage_records (tenant_id, metric, period, quantity) values ($1, 'records', '2026-02', 5000000)`, [unlimited.id]);
    expect((await usage('?period=2026-02', unlimited.key)).body).toMatchObject({ used: 5_000_000, included: null, remaining: null, percent: null });
  });

  it.each([
    ['a month 13', '?period=2026-13'],
    ['year 0000', '?period=0000-01'],
    ['a day', '?period=2026-01-05'],
    ['no dash', '?period=202601'],
    ['NUL', '?period=2026-0%00'],
    ['a repeated parameter', '?period=2026-01&period=2026-02'],
    ['an unknown parameter', '?month=2026-01'],
  ])('refuses %s with a 400 naming the parameter', async (_name, query) => {
    const response = await usage(query);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([expect.stringMatching(/^(period|month)$/)]);
  });

  it('needs the read scope', async () => {
    expect((await usage('', await tenant.keyWith(['ingest']))).status).toBe(403);
    expect((await app.request('GET', '/v1/billing/usage')).status).toBe(401);
  });
});
