import { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { billingQuotaChangedV1, billingUsageThresholdV1, EVENT_EXAMPLES, PLATFORM_TOPOLOGY, type RecordStoredV1 } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { emulatorTopology, RunningEmulator, ShiftedClock, startEmulator } from '@comply/servicebus-emulator';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { PlanOverrides } from '../accounts/plan-overrides.service';
import { BillingDatabase } from '../database/billing-database';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';

const SUBSCRIPTION = 'core-events/billing';
/** The topics' duplicate-detection window (libs/contracts topology), and a minute more. */
const PAST_DUPLICATE_WINDOW_MS = 11 * 60_000;
const JANUARY = '2026-01-31T18:59:59-05:00';
const FEBRUARY = '2026-02-01T00:00:00+00:00';

interface Stored {
  messageId: string;
  payload: RecordStoredV1;
}

/**
 * 10,000 records of four tenants, interleaved so that every batch mixes tenants: per 100 events,
 * 60 of m-a (5 in 12 of them in January), 30 of m-b, 9 of m-c, 1 of m-d. m-a, m-b and m-c are
 * first seen through their records (free plan, 1,000 included); m-d has an override to starter.
 */
function tenThousandRecords(run: string): Stored[] {
  const seen = new Map<string, number>();
  return Array.from({ length: 10_000 }, (_, i) => {
    const slot = i % 100;
    const tenant = slot < 60 ? 'm-a' : slot < 90 ? 'm-b' : slot < 99 ? 'm-c' : 'm-d';
    const nth = seen.get(tenant) ?? 0;
    seen.set(tenant, nth + 1);
    const storedAt = tenant === 'm-a' && nth % 12 < 5 ? JANUARY : FEBRUARY;
    return {
      messageId: randomUUID(),
      payload: { ...EVENT_EXAMPLES['record.stored.v1'], tenantId: `${tenant}-${run}`, recordId: randomUUID(), requestId: `req-${i}`, storedAt },
    };
  });
}

/**
 * Metering through the real path: core-store's events on the emulator, billing's batch consumer
 * with its inbox, the billing database as billing_app. Redeliveries are real deliveries of the same
 * message ids: sent again once the broker's duplicate-detection window has passed (the broker's
 * clock is moved), so only billing's inbox stands between them and a second count.
 */
describe('metering record.stored.v1', () => {
  const clock = new ShiftedClock();
  const run = randomUUID().slice(0, 8);
  const tenant = (name: string) => `${name}-${run}`;
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let app: BillingTestApp;

  beforeAll(async () => {
    bus = await startEmulator({ host: '127.0.0.1', port: 0, topology: emulatorTopology(PLATFORM_TOPOLOGY), clock });
    client = new ServiceBusClient(bus.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 10_000 } });
    app = await startBillingTestApp({ messaging: true, serviceBusConnectionString: bus.connectionString, env: { BILLING_JOB_INTERVAL_MS: '3600000' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await client?.close();
    await bus?.stop();
  });

  async function send(topic: string, messages: ServiceBusMessage[]): Promise<void> {
    const sender = client.createSender(topic);
    try {
      let batch = await sender.createMessageBatch();
      for (const message of messages) {
        if (batch.tryAddMessage(message)) continue;
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(message)) throw new Error('a message does not fit an empty batch');
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    } finally {
      await sender.close();
    }
  }

  const sendStored = (records: Stored[]) =>
    send(
      'core-events',
      records.map(({ messageId, payload }) => ({
        messageId,
        subject: 'record.stored.v1',
        body: payload,
        correlationId: `corr-${messageId}`,
        contentType: 'application/json',
        applicationProperties: { tenantId: payload.tenantId },
      })),
    );

  const usage = () =>
    app.sql<{ tenant_id: string; period: string; quantity: number }>(
      `select tenant_id, period, quantity::int as quantity from usage_records where metric = 'records' order by tenant_id, period`,
    );
  const inboxed = async () => (await app.sql<{ n: number }>(`select count(*)::int as n from messaging_inbox where subscription = $1`, [SUBSCRIPTION]))[0].n;
  const metric = async (name: string) => {
    const metrics = await app.request<string>('GET', '/metrics');
    const line = metrics.body.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`subscription="${SUBSCRIPTION}"`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  const ofRun = <T extends { tenant_id: string | null }>(rows: T[]) => rows.filter((row) => row.tenant_id?.endsWith(`-${run}`));

  it('opens the account of a tenant arriving in the directory and publishes its free quota at once', async () => {
    const tenantId = tenant('m-e');
    const messageId = randomUUID();
    await send('tenant-events', [
      {
        messageId,
        subject: 'tenant.created.v1',
        body: { tenantId, name: 'Arriving Ltd', plan: 'free', status: 'active', retentionDays: 365, version: 1, occurredAt: new Date().toISOString() },
        correlationId: `corr-${messageId}`,
        contentType: 'application/json',
        applicationProperties: { tenantId },
      },
    ]);
    const accounts = await until(
      () => app.sql(`select plan_code, plan_source, status, published_quota from tenant_accounts where tenant_id = $1`, [tenantId]),
      (rows) => rows.length > 0,
    );
    expect(accounts).toEqual([{ plan_code: 'free', plan_source: 'default', status: 'active', published_quota: 1000 }]);
    const quota = (await app.outbox('billing.quota.changed.v1')).filter((row) => row.tenant_id === tenantId);
    expect(quota.map((row) => billingQuotaChangedV1.parse(row.body))).toEqual([{ tenantId, plan: 'free', quota: { monthlyRecords: 1000 }, occurredAt: expect.any(String) }]);
    expect(quota[0]).toMatchObject({ correlation_id: `corr-${messageId}`, causation_id: messageId });
  }, 60_000);

  it('meters 10,000 records exactly once though each is delivered three times, and announces each threshold once', async () => {
    const database = app.service.runtime.database as BillingDatabase;
    await withTenant(database.db, tenant('m-d'), (tx) =>
      app.service.app.get(PlanOverrides).setOverride(tx, tenant('m-d'), 'starter', { correlationId: randomUUID() }),
    );
    const records = tenThousandRecords(run);

    await sendStored(records);
    await until(inboxed, (n) => n >= 10_000, { timeoutMs: 120_000, intervalMs: 250 });
    const expected = [
      { tenant_id: tenant('m-a'), period: '2026-01', quantity: 2500 },
      { tenant_id: tenant('m-a'), period: '2026-02', quantity: 3500 },
      { tenant_id: tenant('m-b'), period: '2026-02', quantity: 3000 },
      { tenant_id: tenant('m-c'), period: '2026-02', quantity: 900 },
      { tenant_id: tenant('m-d'), period: '2026-02', quantity: 100 },
    ];
    expect(ofRun(await usage())).toEqual(expected);

    // The same messages twice more, each time past the broker's duplicate window.
    for (const redelivery of [1, 2]) {
      clock.advance(PAST_DUPLICATE_WINDOW_MS);
      await sendStored(records);
      const skipped = await until(() => metric('messaging_duplicates_skipped_total'), (n) => n >= redelivery * 10_000, { timeoutMs: 120_000, intervalMs: 250 });
      expect(skipped).toBe(redelivery * 10_000);
    }
    expect(await metric('messaging_received_total')).toBe(30_000);
    expect(await inboxed()).toBe(10_000);
    expect(ofRun(await usage())).toEqual(expected);
    expect(await app.drain('core-events', 'billing', { deadLetter: true })).toEqual([]);

    const thresholds = ofRun(await app.outbox('billing.usage.threshold.v1')).map((row) => billingUsageThresholdV1.parse(row.body));
    const crossings = thresholds.map(({ tenantId, plan, period, thresholdPercent, included }) => ({ tenantId, plan, period, thresholdPercent, included }));
    expect(crossings.sort((a, b) => `${a.tenantId}${a.period}${a.thresholdPercent}`.localeCompare(`${b.tenantId}${b.period}${b.thresholdPercent}`))).toEqual([
      { tenantId: tenant('m-a'), plan: 'free', period: '2026-01', thresholdPercent: 100, included: 1000 },
      { tenantId: tenant('m-a'), plan: 'free', period: '2026-01', thresholdPercent: 80, included: 1000 },
      { tenantId: tenant('m-a'), plan: 'free', period: '2026-02', thresholdPercent: 100, included: 1000 },
      { tenantId: tenant('m-a'), plan: 'free', period: '2026-02', thresholdPercent: 80, included: 1000 },
      { tenantId: tenant('m-b'), plan: 'free', period: '2026-02', thresholdPercent: 100, included: 1000 },
      { tenantId: tenant('m-b'), plan: 'free', period: '2026-02', thresholdPercent: 80, included: 1000 },
      { tenantId: tenant('m-c'), plan: 'free', period: '2026-02', thresholdPercent: 80, included: 1000 },
    ]);
    // Announced in the batch that crossed it: at least the threshold, less than a batch beyond it.
    for (const { used, thresholdPercent, included } of thresholds) {
      expect(used).toBeGreaterThanOrEqual((included * thresholdPercent) / 100);
      expect(used).toBeLessThan((included * thresholdPercent) / 100 + 500);
    }

    // Tenants first seen through their records start on the free plan, their quota published once.
    const quotas = ofRun(await app.outbox('billing.quota.changed.v1')).map((row) => billingQuotaChangedV1.parse(row.body));
    expect(quotas.map(({ tenantId, plan, quota }) => ({ tenantId, plan, monthlyRecords: quota.monthlyRecords })).sort((a, b) => a.tenantId.localeCompare(b.tenantId))).toEqual([
      { tenantId: tenant('m-a'), plan: 'free', monthlyRecords: 1000 },
      { tenantId: tenant('m-b'), plan: 'free', monthlyRecords: 1000 },
      { tenantId: tenant('m-c'), plan: 'free', monthlyRecords: 1000 },
      { tenantId: tenant('m-d'), plan: 'starter', monthlyRecords: 50000 },
      { tenantId: tenant('m-e'), plan: 'free', monthlyRecords: 1000 },
    ]);
    // Without STRIPE_API_KEY nothing is queued for Stripe.
    expect(await app.sql(`select * from meter_reports`)).toEqual([]);
  }, 600_000);

  it('counts nothing for a tenant the directory holds as erased', async () => {
    const tenantId = tenant('m-gone');
    await app.sql(`insert into directory_tenants (tenant_id, status, version, changed_at) values ($1, 'erased', 2, now())`, [tenantId]);
    const [record] = tenThousandRecords(run);
    const stored = { messageId: randomUUID(), payload: { ...record.payload, tenantId } };
    await sendStored([stored]);
    await until(() => app.sql(`select 1 from messaging_inbox where message_id = $1`, [stored.messageId]), (rows) => rows.length > 0);
    expect(await app.sql(`select * from usage_records where tenant_id = $1`, [tenantId])).toEqual([]);
    expect(await app.sql(`select * from tenant_accounts where tenant_id = $1`, [tenantId])).toEqual([]);
  }, 60_000);
});
