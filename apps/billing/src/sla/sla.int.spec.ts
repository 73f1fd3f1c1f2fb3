import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

describe('SLA commitments, measurements and service credits (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;
  let other: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('sla-tenant', ['read']);
    other = await app.createTenant('sla-other', ['read']);
    await app.sql(
      `insert into invoices (stripe_invoice_id, tenant_id, stripe_customer_id, status, currency, amount_due, amount_paid, period_start, period_end, created_at) values
         ('in_nov', $1, 'cus_s', 'paid', 'usd', 49900, 49900, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11-01T00:00:00Z'),
         ('in_oct', $1, 'cus_s', 'paid', 'usd', 4900, 4900, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-10-01T00:00:00Z'),
         ('in_nov_void', $1, 'cus_s', 'void', 'usd', 99900, 0, '2026-11-15T00:00:00Z', '2026-12-15T00:00:00Z', '2026-11-15T00:00:00Z'),
         ('in_other', $2, 'cus_o', 'paid', 'usd', 10000000, 10000000, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11-01T00:00:00Z')`,
      [tenant.id, other.id],
    );
  }, 60_000);

  afterAll(() => app?.close());

  const commitments = '/admin/tenants/sla-tenant/sla-commitments';
  const measurements = '/admin/tenants/sla-tenant/sla-measurements';
  const commit = (body: Record<string, unknown> = {}) => app.admin('POST', commitments, { metric: 'availability_percent', target: 99.9, comparison: 'at_least', creditPercent: 10, ...body });
  const measure = (commitmentId: string, period: string, measured: number) => app.admin('POST', measurements, { commitmentId, period, measured });

  it('commits, measures a breach and credits the percentage of the latest paid invoice of the month, to be applied to the next invoice', async () => {
    const created = await commit();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: tenant.id, metric: 'availability_percent', target: 99.9, comparison: 'at_least', creditPercent: 10, active: true });
    expect((await app.auditOf(created)).map((row) => row.body.action)).toEqual(['sla_commitment.create']);

    const breach = await measure(created.body.id, '2026-11', 99.5);
    expect(breach.status).toBe(201);
    expect(breach.body).toMatchObject({ commitmentId: created.body.id, period: '2026-11', measured: 99.5, breached: true, creditMinor: 4990, creditInvoiceId: null });
    expect((await app.auditOf(breach)).map((row) => row.body)).toEqual([
      expect.objectContaining({ actor: { type: 'user', id: 'platform-admin' }, action: 'sla_measurement.record', tenantId: tenant.id, details: expect.objectContaining({ creditMinor: 4990, invoiceAmountMinor: 49900 }) }),
    ]);

    const met = await measure(created.body.id, '2026-10', 99.95);
    expect(met.body).toMatchObject({ breached: false, creditMinor: null });
    const noInvoice = await measure(created.body.id, '2025-03', 90);
    expect(noInvoice.body).toMatchObject({ breached: true, creditMinor: 0 });

    const report = await app.request('GET', '/v1/billing/sla', { token: tenant.key });
    expect(report.status).toBe(200);
    expect(report.body.commitments).toEqual([expect.objectContaining({ id: created.body.id })]);
    expect(report.body.measurements.map((item: { period: string }) => item.period)).toEqual(['2026-11', '2026-10', '2025-03']);
    expect((await app.request('GET', '/v1/billing/sla', { token: other.key })).body).toEqual({ commitments: [], measurements: [] });
    expect((await app.admin('GET', measurements)).body.items).toHaveLength(3);
  });

  it('decides a breach on the value as stored (four decimals), both ways of comparing', async () => {
    const latency = await commit({ metric: 'p95_latency_ms', target: 300, comparison: 'at_most', creditPercent: 5 });
    expect((await measure(latency.body.id, '2026-11', 300.00004)).body).toMatchObject({ measured: 300, breached: false });
    expect((await measure(latency.body.id, '2026-12', 300.0001)).body).toMatchObject({ measured: 300.0001, breached: true, creditMinor: 0 });
    const availability = await commit({ target: 99.99 });
    expect((await measure(availability.body.id, '2026-11', 99.98996)).body).toMatchObject({ measured: 99.99, breached: false });
  });

  it('takes one measurement per commitment and month: a second is a 409, also when two race', async () => {
    const { body } = await commit();
    await measure(body.id, '2026-09', 100);
    const second = await measure(body.id, '2026-09', 50);
    expect(second.status).toBe(409);
    const raced = await Promise.all([measure(body.id, '2026-08', 99), measure(body.id, '2026-08', 98)]);
    expect(raced.map((response) => response.status).sort()).toEqual([201, 409]);
    expect(await app.sql(`select count(*)::int as count from sla_measurements where commitment_id = $1`, [body.id])).toEqual([{ count: 2 }]);
  });

  it('changes a commitment (audited); an inactive one takes no measurements (409)', async () => {
    const { body } = await commit();
    const changed = await app.admin('PATCH', `${commitments}/${body.id}`, { target: 99.5, creditPercent: 25, active: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ target: 99.5, creditPercent: 25, active: false });
    expect((await app.auditOf(changed)).map((row) => row.body.details)).toEqual([
      { changes: { target: { from: 99.9, to: 99.5 }, creditPercent: { from: 10, to: 25 }, active: { from: true, to: false } } },
    ]);
    expect((await measure(body.id, '2026-11', 10)).status).toBe(409);
  });

  it("answers 404 for another tenant's commitment, malformed ids and unknown tenants; 401 without the admin token", async () => {
    const foreign = await app.admin('POST', '/admin/tenants/sla-other/sla-commitments', { metric: 'availability_percent', target: 99, comparison: 'at_least', creditPercent: 10 });
    expect((await measure(foreign.body.id, '2026-11', 1)).status).toBe(404);
    expect((await app.admin('PATCH', `${commitments}/${foreign.body.id}`, { active: false })).status).toBe(404);
    expect((await app.admin('PATCH', `${commitments}/nope`, { active: false })).status).toBe(404);
    expect((await app.admin('GET', '/admin/tenants/nobody/sla-commitments')).status).toBe(404);
    expect((await app.request('GET', commitments)).status).toBe(401);
    expect((await app.request('GET', '/v1/billing/sla')).status).toBe(401);
    expect((await app.request('GET', '/v1/billing/sla', { token: await tenant.keyWith(['ingest']) })).status).toBe(403);
  });

  it.each([
    ['a month 13', { period: '2026-13' }, 'period'],
    ['a negative value', { measured: -1 }, 'measured'],
    ['a value beyond numeric(12, 4)', { measured: 1e9 }, 'measured'],
    ['a value as text', { measured: '99' }, 'measured'],
    ['a commitment id that is no UUID', { commitmentId: 'x' }, 'commitmentId'],
  ])('refuses a measurement with %s (400 naming the field)', async (_name, change, field) => {
    const response = await app.admin('POST', measurements, { commitmentId: '0197a2c4-5b1e-7c3d-9f10-2a4b6c8d0e1f', period: '2026-11', measured: 99, ...change });
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });

  it.each([
    ['a credit above 100 %', { creditPercent: 101 }, 'creditPercent'],
    ['an unknown comparison', { comparison: 'about' }, 'comparison'],
    ['a metric with spaces', { metric: 'up time' }, 'metric'],
    ['a target beyond numeric(12, 4)', { target: 1e308 }, 'target'],
  ])('refuses a commitment with %s (400 naming the field)', async (_name, change, field) => {
    const response = await commit(change);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });
});
