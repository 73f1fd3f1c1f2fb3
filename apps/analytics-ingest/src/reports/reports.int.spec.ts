import { EVENT_EXAMPLES, type EventPayload, type EventType, type RecordStoredV1 } from '@comply/contracts';
import type { IncomingEvent } from '@comply/messaging';
import { queryOnce } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { BackupsService } from '../backups/backups.service';
import { BillingService } from '../billing/billing.service';
import type { AnalyticsDatabase } from '../database/analytics-database';
import { RecordsService } from '../records/records.service';
import { CONFIDENCE_BUCKETS, LATENCY_MS_BUCKETS } from '../rollups/histogram-buckets';
import { dayOf } from '../rollups/time-buckets';
import { AnalyticsTestApp, AnalyticsTestTenant, startAnalyticsTestApp } from '../testing/analytics-test-app';

const DAY_MS = 86_400_000;
const ENDPOINTS = ['usage', 'performance', 'taxonomy', 'compliance', 'billing', 'backups'] as const;

function incoming<T extends EventType>(type: T, payload: EventPayload<T>): IncomingEvent<T> {
  const messageId = randomUUID();
  return { type, messageId, correlationId: messageId, payload, deliveryCount: 0 };
}

/**
 * The read API over rollups written by the service's own handlers (called in a transaction, as the
 * transport calls them): what each report answers, who may read what, and every refusal.
 */
describe('analytics reports', () => {
  const run = randomUUID().slice(0, 8);
  const twoDaysAgo = new Date(Date.parse(dayOf(new Date())) - 2 * DAY_MS + 10 * 3_600_000).toISOString();
  const period = `from=${dayOf(new Date(Date.now() - 3 * DAY_MS)).slice(0, 10)}&to=${dayOf(new Date(Date.now() + DAY_MS)).slice(0, 10)}`;
  let app: AnalyticsTestApp;
  let a: AnalyticsTestTenant;
  let b: AnalyticsTestTenant;

  const stored = (tenantId: string, overrides: Partial<RecordStoredV1>) =>
    incoming('record.stored.v1', { ...EVENT_EXAMPLES['record.stored.v1'], tenantId, recordId: randomUUID(), storedAt: twoDaysAgo, ...overrides });

  beforeAll(async () => {
    app = await startAnalyticsTestApp();
    a = await app.createTenant(`r-a-${run}`);
    b = await app.createTenant(`r-b-${run}`);
    const db = (app.service.runtime.database as AnalyticsDatabase).db;
    const records = app.service.app.get(RecordsService);
    const billing = app.service.app.get(BillingService);
    const backups = app.service.app.get(BackupsService);
    await db.transaction(async (tx) => {
      await records.addStored(tx, [
        stored(a.id, { taxonomy: ['PII.Identifier.SSN'], confidence: 0.95, latencyMs: 12 }),
        stored(a.id, { taxonomy: ['PII.Identifier.SSN'], confidence: 0.95, latencyMs: 12 }),
        stored(a.id, { taxonomy: ['PII.Identifier.SSN', 'PII.Contact.Email'], confidence: 0.5, latencyMs: 400 }),
        stored(b.id, { taxonomy: ['PCI.Card.Number'], detector: { name: 'luhn', type: 'pci', version: '1' }, modelVersion: 'mapper-b' }),
        stored(b.id, { taxonomy: ['PCI.Card.Number'], detector: { name: 'luhn', type: 'pci', version: '1' }, modelVersion: 'mapper-b' }),
      ]);
      await records.addDeleted(tx, [incoming('record.deleted.v1', { ...EVENT_EXAMPLES['record.deleted.v1'], tenantId: a.id, deletedAt: twoDaysAgo })]);
      await billing.addSubscriptionChanges(tx, [
        incoming('billing.subscription.changed.v1', {
          ...EVENT_EXAMPLES['billing.subscription.changed.v1'],
          tenantId: a.id,
          stripeSubscriptionId: 'sub_A1',
          plan: 'pro',
          status: 'active',
          amount: 12_000,
          currency: 'usd',
          interval: 'year',
          occurredAt: new Date(Date.parse(twoDaysAgo) - DAY_MS).toISOString(),
        }),
      ]);
      await billing.addInvoices(tx, [
        { type: 'paid', payload: { ...EVENT_EXAMPLES['billing.invoice.paid.v1'], tenantId: a.id, stripeSubscriptionId: 'sub_A1', amountPaid: 12_000, currency: 'usd', occurredAt: twoDaysAgo } },
        { type: 'failed', payload: { ...EVENT_EXAMPLES['billing.invoice.payment_failed.v1'], tenantId: b.id, stripeSubscriptionId: undefined, amountDue: 500, currency: 'usd', occurredAt: twoDaysAgo } },
      ]);
      await backups.add(tx, [
        { type: 'completed', payload: { ...EVENT_EXAMPLES['backup.completed.v1'], database: 'core', tenantId: undefined, completedAt: twoDaysAgo } },
        { type: 'failed', payload: { ...EVENT_EXAMPLES['backup.failed.v1'], database: 'billing', tenantId: undefined, failedAt: twoDaysAgo } },
      ]);
    });
  }, 60_000);

  afterAll(() => app?.close());

  const get = (path: string, token: string) => app.request('GET', path, { token });

  it('reports a tenant its own usage, by detector and model version, every day of the period', async () => {
    const response = await get(`/v1/analytics/usage?${period}`, a.key);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tenant: a.id, granularity: 'day', byDetector: [{ detector: 'presidio', stored: 3 }], byModelVersion: [{ modelVersion: 'mapper-2025.06.1', stored: 3 }] });
    expect(response.body.series).toHaveLength(4);
    expect(response.body.series.filter((row: { stored: number }) => row.stored > 0)).toEqual([{ bucket: dayOf(twoDaysAgo), stored: 3, deleted: 1 }]);
  });

  it('gives the admin token the fleet without `tenant`, and any tenant with it', async () => {
    const fleet = await get(`/v1/analytics/usage?${period}`, app.adminToken);
    expect(fleet.body.tenant).toBeNull();
    expect(fleet.body.byDetector).toEqual([
      { detector: 'presidio', stored: 3 },
      { detector: 'luhn', stored: 2 },
    ]);
    const other = await get(`/v1/analytics/usage?${period}&tenant=${b.id}&granularity=month`, app.adminToken);
    expect(other.body).toMatchObject({ tenant: b.id, granularity: 'month', byDetector: [{ detector: 'luhn', stored: 2 }] });
    expect(other.body.series.reduce((sum: number, row: { stored: number }) => sum + row.stored, 0)).toBe(2);
  });

  it('counts a taxonomy label under each of its ancestors', async () => {
    const response = await get(`/v1/analytics/taxonomy?${period}&limit=3`, a.key);
    expect(response.body.labels).toEqual([
      { label: 'PII', depth: 1, stored: 3 },
      { label: 'PII.Identifier', depth: 2, stored: 3 },
      { label: 'PII.Identifier.SSN', depth: 3, stored: 3 },
    ]);
  });

  it('maps the labels seen to framework controls', async () => {
    const response = await get(`/v1/analytics/compliance?${period}`, a.key);
    const soc2 = response.body.frameworks.find((framework: { framework: string }) => framework.framework === 'SOC2');
    expect(soc2.controls.map(({ id, recordsWithLabels }: { id: string; recordsWithLabels: number }) => [id, recordsWithLabels])).toEqual([
      ['CC6.1', 3],
      ['CC7.2', 0],
      ['CC7.3', 0],
      ['P4.1', 3],
    ]);
    expect(soc2).toMatchObject({ coveredControls: 2, totalControls: 4 });
  });

  it('reads confidence and latency percentiles from the histogram buckets', async () => {
    const response = await get(`/v1/analytics/performance?${period}`, a.key);
    expect(response.body.overall).toEqual({ confidence: { p50: 0.96, p95: 0.96, p99: 0.96 }, latencyMs: { p50: 20, p95: 500, p99: 500 } });
    const day = response.body.series.find((row: { count: number }) => row.count > 0);
    expect(day).toMatchObject({ bucket: dayOf(twoDaysAgo), count: 3 });
  });

  it('reports MRR, invoices and revenue per plan, for a tenant and the fleet', async () => {
    const response = await get(`/v1/analytics/billing?${period}`, a.key);
    expect(response.body).toMatchObject({
      currency: 'usd',
      otherCurrencies: [],
      mrr: { amount: 1_000, currency: 'usd' },
      invoices: { paid: 1, failed: 0, paidAmount: 12_000 },
      revenueByPlan: [{ plan: 'pro', amount: 12_000 }],
    });
    const fleet = await get(`/v1/analytics/billing?${period}`, app.adminToken);
    expect(fleet.body).toMatchObject({ mrr: { amount: 1_000 }, invoices: { paid: 1, failed: 1, paidAmount: 12_000 } });
  });

  it("shows the platform's backups to the admin token and a tenant only its own", async () => {
    const platform = await get(`/v1/analytics/backups?${period}`, app.adminToken);
    const core = platform.body.databases.find((row: { database: string }) => row.database === 'core');
    expect(core).toMatchObject({ lastSuccessAt: new Date(twoDaysAgo).toISOString(), failuresInRange: 0 });
    expect(core.lagSeconds).toBeGreaterThan(DAY_MS / 1000);
    expect(platform.body.databases.find((row: { database: string }) => row.database === 'billing')).toMatchObject({ lastSuccessAt: null, failuresInRange: 1 });
    const tenant = await get(`/v1/analytics/backups?${period}`, a.key);
    expect(tenant.body.databases.every((row: { lastSuccessAt: string | null; failuresInRange: number }) => row.lastSuccessAt === null && row.failuresInRange === 0)).toBe(true);
  });

  it.each(ENDPOINTS)("answers 404 on %s when a tenant key names another tenant, never that tenant's data", async (endpoint) => {
    const response = await get(`/v1/analytics/${endpoint}?${period}&tenant=${a.id}`, b.key);
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain('presidio');
    const own = await get(`/v1/analytics/${endpoint}?${period}&tenant=${b.id}`, b.key);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toMatch(/presidio|PII\.Identifier\.SSN|sub_A1|"pro"|mapper-2025/);
    if (endpoint === 'compliance') {
      const soc2 = own.body.frameworks.find((framework: { framework: string }) => framework.framework === 'SOC2');
      expect(soc2.controls.find((control: { id: string }) => control.id === 'P4.1').recordsWithLabels).toBe(0);
    }
  });

  it.each(ENDPOINTS)('refuses %s without a key, and with a key lacking the read scope', async (endpoint) => {
    expect((await app.request('GET', `/v1/analytics/${endpoint}`)).status).toBe(401);
    expect((await get(`/v1/analytics/${endpoint}`, await a.keyWith(['ingest']))).status).toBe(403);
  });

  it.each([
    ['granularity=week', 'granularity'],
    ['from=yesterday', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-03-02&to=2026-03-01', 'to'],
    ['from=2024-01-01&to=2026-01-01', 'from'],
    ['from=2026-01-01&to=2026-03-01&granularity=hour', 'from'],
    ['tenant=no%20such%20tenant', 'tenant'],
    ['limit=0', 'limit'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const endpoint = field === 'limit' ? 'taxonomy' : 'usage';
    const response = await get(`/v1/analytics/${endpoint}?${query}`, app.adminToken);
    expect(response.status).toBe(400);
    expect([...new Set(response.body.issues.map((issue: { path: string }) => issue.path))]).toEqual([field]);
  });

  it('lets the read-only role read the views, every tenant, and nothing else', async () => {
    const readerUrl = app.database.readerUrl!;
    const rows = await queryOnce<{ tenant_id: string; stored: string }>(readerUrl, `select tenant_id, stored from analytics_v_records_daily where tenant_id like $1 order by tenant_id`, [`%-${run}`]);
    expect(rows).toEqual([
      { tenant_id: a.id, stored: '3' },
      { tenant_id: b.id, stored: '2' },
    ]);
    const labels = await queryOnce(readerUrl, `select label, depth, stored::int from analytics_v_labels_daily where tenant_id = $1 and label = 'PII'`, [a.id]);
    expect(labels).toEqual([{ label: 'PII', depth: 1, stored: 3 }]);
    expect(await queryOnce(readerUrl, `select tenant_id, mrr::int from analytics_v_mrr where tenant_id = $1`, [a.id])).toEqual([{ tenant_id: a.id, mrr: 1_000 }]);
    expect(await queryOnce(readerUrl, `select plan, paid_amount::int from analytics_v_invoices_daily where tenant_id = $1`, [a.id])).toEqual([{ plan: 'pro', paid_amount: 12_000 }]);
    await expect(queryOnce(readerUrl, 'select * from record_rollups_daily')).rejects.toThrow(/permission denied/);
    await expect(queryOnce(readerUrl, 'delete from record_rollups_daily')).rejects.toThrow(/permission denied/);
  });

  it('keeps the application role to one tenant: no context, no rows; no view; no partition', async () => {
    const appUrl = app.database.appUrl;
    expect(await queryOnce(appUrl, 'select count(*)::int as n from record_rollups_daily')).toEqual([{ n: 0 }]);
    await expect(queryOnce(appUrl, 'select * from analytics_v_records_daily')).rejects.toThrow(/permission denied/);
    const [{ partition }] = await app.sql<{ partition: string }>(
      `select c.relname as partition from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'record_rollups_hourly' limit 1`,
    );
    await expect(queryOnce(appUrl, `select * from ${partition}`)).rejects.toThrow(/permission denied/);
  });

  it('keeps the histogram edges in SQL equal to those the service counts with', async () => {
    const [edges] = await app.sql<{ confidence: number[]; latency: number[] }>('select analytics_confidence_edges() as confidence, analytics_latency_edges() as latency');
    expect(edges).toEqual({ confidence: CONFIDENCE_BUCKETS.edges, latency: LATENCY_MS_BUCKETS.edges });
  });
});
