import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

describe('invoices and payments of a tenant (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;
  let other: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('invoice-tenant', ['read']);
    other = await app.createTenant('invoice-other', ['read']);
    // Seven invoices; three share one created_at to the microsecond, so pages must break ties by id.
    await app.sql(
      `insert into invoices (stripe_invoice_id, tenant_id, stripe_customer_id, stripe_subscription_id, number, status, currency, amount_due, amount_paid, period_start, period_end, paid_at, created_at)
       select 'in_t' || n, $1, 'cus_t', 'sub_t', 'INV-' || n, case when n % 2 = 0 then 'paid' else 'open' end, 'usd', 4900, case when n % 2 = 0 then 4900 else 0 end,
              '2026-01-01T00:00:00Z'::timestamptz + (n || ' months')::interval, '2026-02-01T00:00:00Z'::timestamptz + (n || ' months')::interval,
              case when n % 2 = 0 then '2026-01-02T00:00:00Z'::timestamptz else null end,
              case when n between 3 and 5 then '2026-06-01T00:00:00.123456Z'::timestamptz else '2026-01-01T00:00:00Z'::timestamptz + (n || ' days')::interval end
         from generate_series(1, 7) as n`,
      [tenant.id],
    );
    await app.sql(
      `insert into invoices (stripe_invoice_id, tenant_id, stripe_customer_id, status, currency, amount_due) values ('in_other', $1, 'cus_o', 'open', 'eur', 100)`,
      [other.id],
    );
    await app.sql(
      `insert into payments (stripe_payment_id, tenant_id, stripe_invoice_id, stripe_charge_id, status, amount, amount_refunded, currency, failure_code, created_at) values
         ('pi_1', $1, 'in_t2', 'ch_1', 'succeeded', 4900, 0, 'usd', null, '2026-03-01T00:00:00Z'),
         ('pi_2', $1, 'in_t1', 'ch_2', 'failed', 4900, 0, 'usd', 'card_declined', '2026-04-01T00:00:00Z'),
         ('pi_3', $2, 'in_other', 'ch_3', 'succeeded', 100, 0, 'eur', null, '2026-05-01T00:00:00Z')`,
      [tenant.id, other.id],
    );
  }, 60_000);

  afterAll(() => app?.close());

  const get = (path: string, token = tenant.key) => app.request('GET', path, { token });

  it('pages through every invoice newest first, never skipping or repeating one, ties broken by id', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(`/v1/billing/invoices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(['in_t5', 'in_t4', 'in_t3', 'in_t7', 'in_t6', 'in_t2', 'in_t1']);
  });

  it('answers amounts in minor units with their currency, and no personal fields', async () => {
    const response = await get('/v1/billing/invoices/in_t2');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 'in_t2',
      number: 'INV-2',
      status: 'paid',
      currency: 'usd',
      amountDue: 4900,
      amountPaid: 4900,
      creditsApplied: 0,
      subscriptionId: 'sub_t',
      periodStart: '2026-03-01T00:00:00.000Z',
      periodEnd: '2026-04-01T00:00:00.000Z',
      attemptCount: 0,
      nextPaymentAttemptAt: null,
      paidAt: '2026-01-02T00:00:00.000Z',
      createdAt: '2026-01-03T00:00:00.000Z',
    });
  });

  it("answers another tenant's invoice exactly like an unknown or malformed id", async () => {
    const foreign = await get('/v1/billing/invoices/in_other');
    const unknown = await get('/v1/billing/invoices/in_nothing');
    const malformed = await get('/v1/billing/invoices/in_%00x');
    expect([foreign.status, unknown.status, malformed.status]).toEqual([404, 404, 404]);
    expect(foreign.body).toEqual(unknown.body);
    expect(malformed.body).toEqual(unknown.body);
    expect((await get('/v1/billing/invoices', other.key)).body.items.map((item: { id: string }) => item.id)).toEqual(['in_other']);
  });

  it('lists payments newest first, only the tenant\'s own', async () => {
    const response = await get('/v1/billing/payments');
    expect(response.body).toEqual({
      items: [
        expect.objectContaining({ id: 'pi_2', invoiceId: 'in_t1', status: 'failed', failureCode: 'card_declined', amount: 4900, currency: 'usd' }),
        expect.objectContaining({ id: 'pi_1', status: 'succeeded', amountRefunded: 0, disputedAt: null, createdAt: '2026-03-01T00:00:00.000Z' }),
      ],
      nextCursor: null,
    });
    const firstPage = await get('/v1/billing/payments?limit=1');
    expect(firstPage.body.items.map((item: { id: string }) => item.id)).toEqual(['pi_2']);
    expect((await get(`/v1/billing/payments?limit=1&cursor=${firstPage.body.nextCursor}`)).body.items.map((item: { id: string }) => item.id)).toEqual(['pi_1']);
  });

  it.each([
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit above 100', '?limit=101', 'limit'],
    ['a fractional limit', '?limit=1.5', 'limit'],
    ['a cursor it did not issue', '?cursor=eyJhdCI6IngifQ', 'cursor'],
    ['a cursor outside base64url', '?cursor=abc%24', 'cursor'],
    ['an unknown parameter', '?status=paid', 'status'],
  ])('refuses %s with a 400 naming it', async (_name, query, field) => {
    for (const path of ['/v1/billing/invoices', '/v1/billing/payments']) {
      const response = await get(`${path}${query}`);
      expect(response.status).toBe(400);
      expect(response.body.issues).toEqual([expect.objectContaining({ path: field })]);
    }
  });

  it('needs a key with the read scope', async () => {
    const ingestOnly = await tenant.keyWith(['ingest']);
    for (const path of ['/v1/billing/invoices', '/v1/billing/invoices/in_t1', '/v1/billing/payments']) {
      expect((await app.request('GET', path)).status).toBe(401);
      expect((await get(path, ingestOnly)).status).toBe(403);
    }
  });
});
