import { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { EVENT_EXAMPLES, PLATFORM_TOPOLOGY, taxonomyPaths, type EventPayload, type EventType } from '@comply/contracts';
import { emulatorTopology, RunningEmulator, ShiftedClock, startEmulator } from '@comply/servicebus-emulator';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { AnalyticsTestApp, startAnalyticsTestApp } from '../testing/analytics-test-app';
import { bucketOf, CONFIDENCE_BUCKETS, emptyHistogram, LATENCY_MS_BUCKETS } from './histogram-buckets';

/** The topics' duplicate-detection window (libs/contracts topology), and a minute more. */
const PAST_DUPLICATE_WINDOW_MS = 11 * 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TOTAL = 50_000;

interface Sent {
  messageId: string;
  type: EventType;
  payload: EventPayload<EventType>;
}

const hourOf = (instant: string) => `${new Date(instant).toISOString().slice(0, 13)}:00:00.000Z`;
const dayOf = (instant: string) => `${new Date(instant).toISOString().slice(0, 10)}T00:00:00.000Z`;
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** A fixed-seed generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const LABEL_SETS = [['PII.Identifier.SSN'], ['PII.Contact.Email', 'PII.Contact.Phone'], ['PCI.Card.Number'], ['PII.Identifier.SSN', 'PHI.Record.MRN'], ['SECRETS.Key.Api']];
const DETECTORS = [
  { name: 'presidio', type: 'pii', version: '2.2.355' },
  { name: 'luhn', type: 'pci', version: '1.0.0' },
  { name: 'gitleaks', type: 'secrets', version: '8.18.0' },
];
const MODELS = ['mapper-2026.01.1', 'mapper-2026.02.1', 'mapper-2026.03.2'];

/**
 * 50,000 events of five tenants over the last four days: 44,000 record.stored.v1, 4,000
 * record.deleted.v1, 1,300 billing events and 700 backup events, each kind interleaved. 5 % of them
 * are timed a day earlier and sent only after all the others (a day late); 10 % are sent a second
 * time once the broker no longer drops them as duplicates.
 */
function fiftyThousandEvents(run: string, now: number): { events: Sent[]; lateIds: Set<string> } {
  const next = random(14);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const tenants = Array.from({ length: 5 }, (_, i) => `c-t${i}-${run}`);
  const at = (lateBy: number) => new Date(now - HOUR_MS - Math.floor(next() * 3 * DAY_MS) - lateBy).toISOString();
  const events: Sent[] = [];
  const lateIds = new Set<string>();
  for (let i = 0; i < TOTAL; i += 1) {
    const late = i % 20 === 7;
    const lateBy = late ? DAY_MS : 0;
    const slot = i % 100;
    const messageId = randomUUID();
    const tenantId = pick(tenants);
    let event: Sent;
    if (slot < 88) {
      event = {
        messageId,
        type: 'record.stored.v1',
        payload: {
          tenantId,
          recordId: randomUUID(),
          requestId: `req-${i}`,
          detector: pick(DETECTORS),
          taxonomy: pick(LABEL_SETS),
          confidence: Math.round(next() * 1_000) / 1_000,
          modelVersion: pick(MODELS),
          ...(i % 10 === 3 ? {} : { latencyMs: Math.round(next() ** 3 * 90_000 * 10) / 10 }),
          storedAt: at(lateBy),
        },
      };
    } else if (slot < 96) {
      event = { messageId, type: 'record.deleted.v1', payload: { tenantId, recordId: randomUUID(), reason: pick(['request', 'retention'] as const), deletedAt: at(lateBy) } };
    } else if (slot === 96 && i % 300 < 200) {
      const interval = pick(['month', 'year'] as const);
      event = {
        messageId,
        type: 'billing.subscription.changed.v1',
        payload: {
          ...EVENT_EXAMPLES['billing.subscription.changed.v1'],
          tenantId,
          stripeSubscriptionId: `sub_${tenantId.replace(/[^A-Za-z0-9]/g, '')}${Math.floor(next() * 3)}`,
          plan: pick(['starter', 'pro', 'enterprise']),
          status: pick(['active', 'active', 'trialing', 'past_due', 'canceled'] as const),
          amount: Math.floor(next() * 100) * 100,
          currency: 'usd',
          interval,
          occurredAt: at(lateBy),
        },
      };
    } else if (slot === 96 || slot === 97) {
      event = {
        messageId,
        type: 'billing.invoice.paid.v1',
        payload: {
          ...EVENT_EXAMPLES['billing.invoice.paid.v1'],
          tenantId,
          stripeSubscriptionId: next() < 0.8 ? `sub_${tenantId.replace(/[^A-Za-z0-9]/g, '')}${Math.floor(next() * 3)}` : undefined,
          amountPaid: Math.floor(next() * 50_000),
          currency: next() < 0.9 ? 'usd' : 'eur',
          occurredAt: at(lateBy),
        },
      };
    } else if (slot === 98 && i % 200 < 100) {
      event = {
        messageId,
        type: 'billing.invoice.payment_failed.v1',
        payload: { ...EVENT_EXAMPLES['billing.invoice.payment_failed.v1'], tenantId, amountDue: Math.floor(next() * 20_000), currency: 'usd', occurredAt: at(lateBy) },
      };
    } else if (slot === 98 || (slot === 99 && i % 500 < 300)) {
      const completedAt = at(lateBy);
      event = {
        messageId,
        type: 'backup.completed.v1',
        payload: {
          ...EVENT_EXAMPLES['backup.completed.v1'],
          backupId: randomUUID(),
          database: pick(['core', 'billing', 'analytics', 'audit', 'backup'] as const),
          tenantId: next() < 0.3 ? tenantId : undefined,
          startedAt: completedAt,
          completedAt,
        },
      };
    } else {
      const failedAt = at(lateBy);
      event = {
        messageId,
        type: 'backup.failed.v1',
        payload: {
          ...EVENT_EXAMPLES['backup.failed.v1'],
          backupId: randomUUID(),
          database: pick(['core', 'billing', 'analytics', 'audit', 'backup'] as const),
          tenantId: next() < 0.3 ? tenantId : undefined,
          startedAt: failedAt,
          failedAt,
        },
      };
    }
    if (late) lateIds.add(messageId);
    events.push(event);
  }
  return { events, lateIds };
}

type Table = Map<string, unknown[]>;

const add = (table: Table, key: string, values: number[]) => {
  const row = (table.get(key) as number[] | undefined) ?? values.map(() => 0);
  table.set(key, row.map((value, i) => value + values[i]));
};

/** What every rollup must hold, recomputed here from the events as sent (each counted once). */
function expectedRollups(events: Sent[]) {
  const expected = {
    recordsHourly: new Map() as Table,
    recordsDaily: new Map() as Table,
    dimensionsHourly: new Map() as Table,
    dimensionsDaily: new Map() as Table,
    invoicesHourly: new Map() as Table,
    invoicesDaily: new Map() as Table,
    backups: new Map() as Table,
    subscriptionChanges: new Map() as Table,
  };
  const histogramsOf = (confidence: number | null, latency: number | undefined) => {
    const c = emptyHistogram(CONFIDENCE_BUCKETS);
    const l = emptyHistogram(LATENCY_MS_BUCKETS);
    if (confidence !== null) c[bucketOf(CONFIDENCE_BUCKETS, confidence)] = 1;
    if (latency !== undefined) l[bucketOf(LATENCY_MS_BUCKETS, latency)] = 1;
    return [...c, ...l];
  };
  const backupTimes = new Map<string, [string | null, string | null]>();
  for (const { type, payload, messageId } of events) {
    if (type === 'record.stored.v1') {
      const p = payload as EventPayload<'record.stored.v1'>;
      const values = [1, 0, ...histogramsOf(p.confidence, p.latencyMs)];
      add(expected.recordsHourly, `${p.tenantId}|${hourOf(p.storedAt)}`, values);
      add(expected.recordsDaily, `${p.tenantId}|${dayOf(p.storedAt)}`, values);
      const keys = [`detector|${p.detector.name}`, `model|${p.modelVersion}`, ...taxonomyPaths(p.taxonomy).map((label) => `label|${label}`)];
      for (const key of keys) {
        add(expected.dimensionsHourly, `${p.tenantId}|${hourOf(p.storedAt)}|${key}`, [1]);
        add(expected.dimensionsDaily, `${p.tenantId}|${dayOf(p.storedAt)}|${key}`, [1]);
      }
    } else if (type === 'record.deleted.v1') {
      const p = payload as EventPayload<'record.deleted.v1'>;
      const values = [0, 1, ...histogramsOf(null, undefined)];
      add(expected.recordsHourly, `${p.tenantId}|${hourOf(p.deletedAt)}`, values);
      add(expected.recordsDaily, `${p.tenantId}|${dayOf(p.deletedAt)}`, values);
    } else if (type === 'billing.invoice.paid.v1' || type === 'billing.invoice.payment_failed.v1') {
      const p = payload as EventPayload<'billing.invoice.paid.v1'> & EventPayload<'billing.invoice.payment_failed.v1'>;
      const values = type === 'billing.invoice.paid.v1' ? [1, p.amountPaid, 0, 0] : [0, 0, 1, p.amountDue];
      const key = `${p.stripeSubscriptionId ?? ''}|${p.currency}`;
      add(expected.invoicesHourly, `${p.tenantId}|${hourOf(p.occurredAt)}|${key}`, values);
      add(expected.invoicesDaily, `${p.tenantId}|${dayOf(p.occurredAt)}|${key}`, values);
    } else if (type === 'billing.subscription.changed.v1') {
      const p = payload as EventPayload<'billing.subscription.changed.v1'>;
      expected.subscriptionChanges.set(`${p.tenantId}|${p.stripeSubscriptionId}|${iso(p.occurredAt)}|${messageId}`, [p.plan, p.status, p.amount, p.interval]);
    } else {
      const p = payload as EventPayload<'backup.completed.v1'> & EventPayload<'backup.failed.v1'>;
      const completed = type === 'backup.completed.v1';
      const instant = completed ? p.completedAt : p.failedAt;
      const key = `${p.tenantId ?? '_platform'}|${dayOf(instant)}|${p.database}`;
      add(expected.backups, key, completed ? [1, 0] : [0, 1]);
      const [lastCompleted, lastFailed] = backupTimes.get(key) ?? [null, null];
      const later = (current: string | null) => (current === null || current < iso(instant)! ? iso(instant) : current);
      backupTimes.set(key, completed ? [later(lastCompleted), lastFailed] : [lastCompleted, later(lastFailed)]);
    }
  }
  for (const [key, counts] of expected.backups) expected.backups.set(key, [...counts, ...backupTimes.get(key)!]);
  return expected;
}

/**
 * The rollups through the real path: events on the emulator, the service's batch consumers with
 * their inbox, the analytics database as analytics_app. Redeliveries are real deliveries of the
 * same message ids, sent again once the broker's duplicate-detection window has passed (the
 * broker's clock is moved), so only the inbox stands between them and a second count.
 */
describe('rollups of 50,000 events, 10 % redelivered and 5 % a day late', () => {
  const clock = new ShiftedClock();
  const run = randomUUID().slice(0, 8);
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let app: AnalyticsTestApp;

  beforeAll(async () => {
    bus = await startEmulator({ host: '127.0.0.1', port: 0, topology: emulatorTopology(PLATFORM_TOPOLOGY), clock });
    client = new ServiceBusClient(bus.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 30_000 } });
    app = await startAnalyticsTestApp({ messaging: true, serviceBusConnectionString: bus.connectionString, env: { ANALYTICS_RECOMPUTE_DAYS: '7' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await client?.close();
    await bus?.stop();
  }, 60_000);

  async function send(events: Sent[]): Promise<void> {
    const byTopic = new Map<string, ServiceBusMessage[]>();
    for (const { messageId, type, payload } of events) {
      const topic = PLATFORM_TOPOLOGY.find((spec) => spec.subscriptions.some((subscription) => subscription.subjects.includes(type)))!.name;
      const tenantId = (payload as { tenantId?: string }).tenantId;
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        messageId,
        subject: type,
        body: payload,
        correlationId: `corr-${messageId}`,
        contentType: 'application/json',
        applicationProperties: tenantId ? { tenantId } : {},
      });
      byTopic.set(topic, messages);
    }
    for (const [topic, messages] of byTopic) {
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
  }

  const inboxed = async () => (await app.sql<{ n: number }>(`select count(*)::int as n from messaging_inbox`))[0].n;
  const metricTotal = async (name: string) => {
    const metrics = await app.request<string>('GET', '/metrics');
    return metrics.body
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes('analytics-ingest'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };
  const ofRun = `tenant_id like '%-${run}' or tenant_id = '_platform'`;

  async function actualRollups() {
    const table = async (text: string) => new Map((await app.sql<{ key: string; v: unknown[] }>(text)).map((row) => [row.key, row.v]));
    const records = (name: string) =>
      table(`select tenant_id || '|' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as key,
                    array[stored, deleted] || confidence || latency as v from ${name} where ${ofRun}`);
    const dimensions = (name: string) =>
      table(`select tenant_id || '|' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || dimension || '|' || key as key,
                    array[stored] as v from ${name} where ${ofRun}`);
    const invoices = (name: string) =>
      table(`select tenant_id || '|' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || subscription_id || '|' || currency as key,
                    array[paid, paid_amount, failed, failed_amount] as v from ${name} where ${ofRun}`);
    const numeric = (rows: Map<string, unknown[]>) => new Map([...rows].map(([key, values]) => [key, values.map(Number)]));
    const backups = await app.sql<{ key: string; completed: string; failed: string; last_completed_at: Date | null; last_failed_at: Date | null }>(
      `select tenant_id || '|' || to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || database as key, completed, failed, last_completed_at, last_failed_at
         from backup_rollups_daily where ${ofRun}`,
    );
    const changes = await app.sql<{ key: string; plan: string; status: string; amount: string; interval: string }>(
      `select tenant_id || '|' || subscription_id || '|' || to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '|' || message_id as key, plan, status, amount, interval
         from subscription_changes where ${ofRun}`,
    );
    return {
      recordsHourly: numeric(await records('record_rollups_hourly')),
      recordsDaily: numeric(await records('record_rollups_daily')),
      dimensionsHourly: numeric(await dimensions('record_dimension_rollups_hourly')),
      dimensionsDaily: numeric(await dimensions('record_dimension_rollups_daily')),
      invoicesHourly: numeric(await invoices('invoice_rollups_hourly')),
      invoicesDaily: numeric(await invoices('invoice_rollups_daily')),
      backups: new Map(backups.map((row) => [row.key, [Number(row.completed), Number(row.failed), iso(row.last_completed_at), iso(row.last_failed_at)]])),
      subscriptionChanges: new Map(changes.map((row) => [row.key, [row.plan, row.status, Number(row.amount), row.interval]])),
    };
  }

  const sorted = (table: Table) => [...table.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

  it('equals a recomputation from the raw events, and the daily recompute changes nothing', async () => {
    const { events, lateIds } = fiftyThousandEvents(run, Date.now());
    const onTime = events.filter((event) => !lateIds.has(event.messageId));
    const late = events.filter((event) => lateIds.has(event.messageId));
    expect(late).toHaveLength(TOTAL / 20);

    await send(onTime);
    await send(late);
    await until(inboxed, (n) => n >= TOTAL, { timeoutMs: 900_000, intervalMs: 1_000 });
    expect(await inboxed()).toBe(TOTAL);

    const redelivered = events.filter((_, i) => i % 10 === 4);
    expect(redelivered).toHaveLength(TOTAL / 10);
    clock.advance(PAST_DUPLICATE_WINDOW_MS);
    await send(redelivered);
    // Every delivery is received; the broker may also redeliver a message whose settlement was late
    // under load, which the inbox skips the same way: so at least one skip per resent message.
    await until(() => metricTotal('messaging_received_total'), (n) => n >= TOTAL + redelivered.length, { timeoutMs: 300_000, intervalMs: 500 });
    let last = -1;
    const skipped = await until(
      async () => {
        const [previous, now] = [last, (last = await metricTotal('messaging_duplicates_skipped_total'))];
        return { settled: now === previous, now };
      },
      ({ settled, now }) => settled && now >= redelivered.length,
      { timeoutMs: 300_000, intervalMs: 2_000 },
    );
    expect(skipped.now).toBeGreaterThanOrEqual(redelivered.length);
    expect(await inboxed()).toBe(TOTAL);
    for (const [topic] of [['core-events'], ['billing-events'], ['backup-events']]) {
      expect(await app.drain(topic, 'analytics-ingest', { deadLetter: true })).toEqual([]);
    }

    const expected = expectedRollups(events);
    const actual = await actualRollups();
    for (const name of Object.keys(expected) as (keyof typeof expected)[]) {
      expect({ name, rows: sorted(actual[name]) }).toEqual({ name, rows: sorted(expected[name]) });
    }
    const storedTotal = sorted(expected.recordsDaily).reduce((sum, [, values]) => sum + (values[0] as number), 0);
    expect(storedTotal).toBe(44_000);

    const fleet = await app.request('GET', `/v1/analytics/usage?from=${dayOf(new Date(Date.now() - 6 * DAY_MS).toISOString()).slice(0, 10)}`, { token: app.adminToken });
    expect(fleet.body.series.reduce((sum: number, row: { stored: number }) => sum + row.stored, 0)).toBeGreaterThanOrEqual(storedTotal);

    // The daily recompute of the closed days changes nothing when the rollups are right ...
    const first = await app.maintenance.runOnce();
    expect(first.recomputed?.rollups).toEqual([
      { rollup: 'record_rollups_daily', changed: 0 },
      { rollup: 'record_dimension_rollups_daily', changed: 0 },
      { rollup: 'invoice_rollups_daily', changed: 0 },
    ]);
    expect(await actualRollups()).toEqual(actual);

    // ... and puts right a daily row that drifted from its hours.
    const [drifted] = await app.sql<{ tenant_id: string; bucket: Date }>(
      `update record_rollups_daily set stored = stored + 1 where (tenant_id, bucket) in (
         select tenant_id, bucket from record_rollups_daily where tenant_id like $1 and bucket < date_trunc('day', now(), 'UTC') order by bucket limit 1)
       returning tenant_id, bucket`,
      [`%-${run}`],
    );
    expect(drifted).toBeDefined();
    const second = await app.maintenance.runOnce();
    expect(second.recomputed?.rollups.find((rollup) => rollup.rollup === 'record_rollups_daily')).toEqual({ rollup: 'record_rollups_daily', changed: 1 });
    expect(await actualRollups()).toEqual(actual);
  }, 1_500_000);
});
