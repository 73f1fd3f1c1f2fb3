import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';

describe('the plan catalogue, /admin/plans (integration)', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await startBillingTestApp();
  }, 60_000);

  afterAll(() => app?.close());

  it('lists the seeded plans by code', async () => {
    const response = await app.admin('GET', '/admin/plans');
    expect(response.status).toBe(200);
    expect(response.body.items.map((plan: { code: string }) => plan.code)).toEqual(['free', 'pro', 'starter']);
    expect(response.body.items[0]).toMatchObject({ code: 'free', isFree: true, priceMinor: 0, includedRecords: 1000, features: { retentionDaysMax: 30, apiKeysMax: 2 }, active: true });
  });

  it('adds a plan with defaults, audited as platform-admin; a taken code or Stripe price is a 409', async () => {
    const created = await app.admin('POST', '/admin/plans', {
      code: 'team',
      name: 'Team',
      stripePriceId: 'price_team_monthly',
      priceMinor: 19900,
      currency: 'usd',
      includedRecords: 200000,
      overagePriceMinorPer1000: 150,
      features: { apiKeysMax: 20 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'team', isFree: false, interval: 'month', active: true, stripePriceId: 'price_team_monthly', features: { apiKeysMax: 20 } });
    expect((await app.auditOf(created)).map((row) => row.body)).toEqual([
      expect.objectContaining({ actor: { type: 'user', id: 'platform-admin' }, action: 'plan.create', resource: { type: 'plan', id: 'team' } }),
    ]);
    expect((await app.admin('POST', '/admin/plans', { code: 'team', name: 'Again', priceMinor: 1, currency: 'usd', includedRecords: 1 })).status).toBe(409);
    const priceTaken = await app.admin('POST', '/admin/plans', { code: 'team2', name: 'Team 2', stripePriceId: 'price_team_monthly', priceMinor: 1, currency: 'usd', includedRecords: 1 });
    expect(priceTaken.status).toBe(409);
    expect(priceTaken.body.message).toMatch(/price_team_monthly/);
  });

  it('changes a plan and audits each change with its before and after', async () => {
    const changed = await app.admin('PATCH', '/admin/plans/starter', { name: 'Starter 2027', priceMinor: 5900, stripePriceId: 'price_starter_2027' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ code: 'starter', name: 'Starter 2027', priceMinor: 5900, stripePriceId: 'price_starter_2027', includedRecords: 50000 });
    expect((await app.auditOf(changed)).map((row) => row.body.details)).toEqual([
      { changes: { name: { from: 'Starter', to: 'Starter 2027' }, priceMinor: { from: 4900, to: 5900 }, stripePriceId: { from: 'price_starter_monthly', to: 'price_starter_2027' } } },
    ]);
  });

  it('publishes the new quota of every tenant on a plan whose included records change, and only theirs', async () => {
    for (const [tenantId, planCode] of [
      ['plan-pro-a', 'pro'],
      ['plan-pro-b', 'pro'],
      ['plan-free', 'free'],
    ]) {
      await app.createTenant(tenantId, ['read']);
      const set = await app.admin('PUT', `/admin/tenants/${tenantId}/plan-override`, { planCode });
      expect(set.status).toBe(200);
    }
    const changed = await app.admin('PATCH', '/admin/plans/pro', { includedRecords: 2_000_000 });
    expect(changed.status).toBe(200);
    const published = (await app.outbox('billing.quota.changed.v1')).filter((row) => row.correlation_id === changed.headers.get('x-request-id'));
    expect(published.map((row) => [row.tenant_id, row.body.quota.monthlyRecords]).sort()).toEqual([
      ['plan-pro-a', 2_000_000],
      ['plan-pro-b', 2_000_000],
    ]);
  });

  it('refuses to deactivate the free plan (409), but deactivates a paid one', async () => {
    const refused = await app.admin('PATCH', '/admin/plans/free', { active: false });
    expect(refused.status).toBe(409);
    expect((await app.sql(`select active from plans where code = 'free'`))[0].active).toBe(true);
    expect((await app.admin('PATCH', '/admin/plans/team', { active: false })).body.active).toBe(false);
  });

  it.each([
    ['a code with capitals', { code: 'Team', name: 'x', priceMinor: 1, currency: 'usd', includedRecords: 1 }, 'code'],
    ['a negative price', { code: 'neg', name: 'x', priceMinor: -1, currency: 'usd', includedRecords: 1 }, 'priceMinor'],
    ['a fractional price', { code: 'frac', name: 'x', priceMinor: 1.5, currency: 'usd', includedRecords: 1 }, 'priceMinor'],
    ['a price beyond exact integers', { code: 'huge', name: 'x', priceMinor: 2 ** 60, currency: 'usd', includedRecords: 1 }, 'priceMinor'],
    ['an upper-case currency', { code: 'cur', name: 'x', priceMinor: 1, currency: 'USD', includedRecords: 1 }, 'currency'],
    ['included records beyond 32 bits', { code: 'big', name: 'x', priceMinor: 1, currency: 'usd', includedRecords: 2 ** 31 }, 'includedRecords'],
    ['a name with NUL', { code: 'nul', name: 'a\u0000b', priceMinor: 1, currency: 'usd', includedRecords: 1 }, 'name'],
    ['a Stripe price of another kind', { code: 'kind', name: 'x', stripePriceId: 'prod_1', priceMinor: 1, currency: 'usd', includedRecords: 1 }, 'stripePriceId'],
    ['features that are not an object', { code: 'feat', name: 'x', priceMinor: 1, currency: 'usd', includedRecords: 1, features: [1] }, 'features'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const response = await app.admin('POST', '/admin/plans', body);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });

  it('answers 404 for an unknown or malformed plan, 400 for nothing to change, 401 without the token', async () => {
    expect((await app.admin('PATCH', '/admin/plans/platinum', { name: 'x' })).status).toBe(404);
    expect((await app.admin('PATCH', '/admin/plans/Bad%20Code', { name: 'x' })).status).toBe(404);
    expect((await app.admin('PATCH', '/admin/plans/pro', {})).status).toBe(400);
    expect((await app.request('GET', '/admin/plans')).status).toBe(401);
    expect((await app.request('PATCH', '/admin/plans/pro', { body: { name: 'x' } })).status).toBe(401);
  });
});
