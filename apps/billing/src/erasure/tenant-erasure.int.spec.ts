import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';

/** tenant.erased.v1 through the real emulator: billing keeps the accounting record without the person, and deletes the rest. */
describe('billing tenant erasure', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    app = await startBillingTestApp({ messaging: true });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function seed(tenantId: string): Promise<void> {
    const customer = `cus_${tenantId.replace(/-/g, '')}`;
    await app.createTenant(tenantId);
    await app.sql(`insert into tenant_accounts (tenant_id, plan_code) values ($1, 'starter')`, [tenantId]);
    await app.sql(`insert into customers (stripe_customer_id, tenant_id, email, name) values ($1, $2, 'jane@example.com', 'Jane Doe')`, [customer, tenantId]);
    await app.sql(
      `insert into invoices (stripe_invoice_id, tenant_id, stripe_customer_id, status, currency, amount_due, amount_paid, customer_name, customer_email)
       values ($1, $2, $3, 'paid', 'usd', 4900, 4900, 'Jane Doe', 'jane@example.com')`,
      [`in_${tenantId.replace(/-/g, '')}`, tenantId, customer],
    );
    await app.sql(`insert into payment_methods (stripe_payment_method_id, tenant_id, type, brand, last4, exp_month, exp_year) values ($1, $2, 'card', 'visa', '4242', 12, 2030)`, [
      `pm_${tenantId.replace(/-/g, '')}`,
      tenantId,
    ]);
    await app.sql(`insert into usage_records (tenant_id, metric, period, quantity) values ($1, 'records', '2026-11', 42)`, [tenantId]);
    await app.sql(`insert into stripe_events (id, type, created_at, payload, status, tenant_id) values ($1, 'customer.created', now(), $2, 'processed', $3)`, [
      `evt_${tenantId.replace(/-/g, '')}`,
      JSON.stringify({ data: { object: { email: 'jane@example.com' } } }),
      tenantId,
    ]);
  }

  async function erase(tenantId: string): Promise<void> {
    const sender = app.client!.createSender('tenant-events');
    try {
      await sender.sendMessages({
        messageId: randomUUID(),
        subject: 'tenant.erased.v1',
        contentType: 'application/json',
        body: { tenantId, version: 2, occurredAt: new Date().toISOString() },
        applicationProperties: { tenantId },
      });
    } finally {
      await sender.close();
    }
  }

  const erasureAudits = async (tenantId: string) =>
    (await app.outbox('audit.event.v1')).filter((row) => row.body.action === 'tenant.erase' && row.tenant_id === tenantId);

  it('anonymises customers and invoices, deletes card details, usage and payloads, and says so in its audit event', async () => {
    await seed('erased-acme');
    await seed('kept-acme');
    await erase('erased-acme');
    const [audit] = await until(() => erasureAudits('erased-acme'), (rows) => rows.length > 0);
    expect(audit.body).toMatchObject({
      actor: { type: 'service', id: 'billing' },
      details: {
        customersAnonymised: 1,
        invoicesAnonymised: 1,
        paymentMethodsDeleted: 1,
        usageRecordsDeleted: 1,
        stripePayloadsRemoved: 1,
        accountClosed: true,
        kept: expect.arrayContaining(['invoices', 'payments']),
      },
    });
    const row = async (table: string, columns: string, tenantId: string) => app.sql(`select ${columns} from ${table} where tenant_id = $1`, [tenantId]);
    expect(await row('customers', 'email, name', 'erased-acme')).toEqual([{ email: null, name: null }]);
    expect(await row('invoices', 'amount_paid, customer_name, customer_email', 'erased-acme')).toEqual([{ amount_paid: '4900', customer_name: null, customer_email: null }]);
    expect(await row('payment_methods', 'last4', 'erased-acme')).toEqual([]);
    expect(await row('usage_records', 'quantity', 'erased-acme')).toEqual([]);
    expect(await row('stripe_events', 'type, payload', 'erased-acme')).toEqual([{ type: 'customer.created', payload: {} }]);
    expect(await row('tenant_accounts', 'status', 'erased-acme')).toEqual([{ status: 'canceled' }]);

    expect(await row('customers', 'email', 'kept-acme')).toEqual([{ email: 'jane@example.com' }]);
    expect(await row('payment_methods', 'last4', 'kept-acme')).toEqual([{ last4: '4242' }]);
    expect(await row('usage_records', 'quantity', 'kept-acme')).toEqual([{ quantity: '42' }]);
  });
});
