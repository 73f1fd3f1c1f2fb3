/*
 * analytics-ingest in this process as its test app runs it (its own scratch database on real
 * PostgreSQL; the Service Bus emulator and the bus producer in processes of their own, as broker
 * and producers are), each figure next to a baseline measured in the same run.
 *
 * 1. Rollup ingest events per second: INGESTED record.stored.v1 of INGEST_TENANTS tenants,
 *    interleaved, sent to core-events by a producer in its own process (bus-producer.ts: the
 *    contract's example record — one detector, model version and label, stored now — under fresh
 *    ids) through the emulator to the record batch handler (up to BATCH per transaction: inbox
 *    entries, then per tenant the erasure check and one additive upsert into each of the four
 *    record rollup tables), until analytics-ingest's messaging_completed_total for
 *    core-events/analytics-ingest has counted them all. Baseline: the same events as rows of a
 *    plain table (every field of the event, one column each), BATCH rows per INSERT statement, as
 *    the superuser. Goal: ingest ≥ INGEST_GOAL × baseline. Median of ROUNDS runs after a warm-up.
 *    In process as well, without the broker: the same number of varied events (four detectors,
 *    three model versions, 16 taxonomy leaves, confidence and latency spread, stored within the
 *    last hour) handed BATCH at a time, one transaction after another, to the service's
 *    RecordsService in a transaction of its database client that first writes the batch's inbox
 *    entries with the consumer's statement: what the batch handler does once a batch is received.
 *    Its baseline: a raw INSERT of those events, as above.
 * 2. Dashboard query latency over rollups of ROLLUP_EVENTS events: the daily rollups of
 *    QUERY_TENANTS tenants over the last QUERY_DAYS days (what a daily query of that period reads)
 *    seeded directly with SQL, each tenant-day the tally (tallyStored, as the handler counts) of
 *    ROLLUP_EVENTS / (tenants × days) synthetic events (four detectors, three model versions, 16
 *    taxonomy leaves and their ancestors, spread confidence and latency), plus invoices,
 *    subscription changes and backups; statistics refreshed, as autovacuum does. Then each
 *    /v1/analytics/* report over HTTP with the admin token, a QUERY_DAYS-day daily query, for a
 *    tenant (tenants in turn) and for the fleet: QUERY_SAMPLES sequential requests each after a
 *    warm-up, p50 and p99. Baseline: GET /health/live on the same server (the HTTP round trip).
 *
 * The outbox relay is paused. Progress is read from the service's metrics, never by counting rows.
 * Sizes come from the environment, for a quick run:
 *   ANALYTICS_BENCH_INGESTED (20000), ANALYTICS_BENCH_ROLLUP_EVENTS (10000000),
 *   ANALYTICS_BENCH_TENANTS (100), ANALYTICS_BENCH_QUERY_SAMPLES (100).
 * Run: node -r @swc-node/register bench/analytics.bench.ts
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { EVENT_EXAMPLES, PLATFORM_TOPOLOGY, RecordStoredV1 } from '@comply/contracts';
import { emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { describePostgres } from '@comply/testing';
import { Client } from 'pg';
import type { IncomingEvent } from '@comply/messaging';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { sql } from 'drizzle-orm';
import type { AnalyticsDatabase } from '../apps/analytics-ingest/src/database/analytics-database';
import { tallyStored } from '../apps/analytics-ingest/src/records/record-tally';
import { RecordsService } from '../apps/analytics-ingest/src/records/records.service';
import { AnalyticsTestApp, startAnalyticsTestApp } from '../apps/analytics-ingest/src/testing/analytics-test-app';
import { closeTestApp, useTestPostgres } from './bench-infrastructure';
import { chunks, Cleanup, median, runBenchmark } from './bench-support';
import { producedMessageIds, startBusProducer } from './producer-process';

const sizeFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${process.env[name]}`);
  return value;
};

const ROUNDS = 3;
const INGESTED = sizeFromEnv('ANALYTICS_BENCH_INGESTED', 20_000);
const INGEST_TENANTS = 8;
/** The record handler's batch size (RecordEventsHandler), the producer's messages per send and the baseline's rows per INSERT. */
const BATCH = 500;
const INGEST_GOAL = 0.5;
const SUBSCRIPTION = 'core-events/analytics-ingest';
/** The other subscriptions of core-events: they get a copy of every event and are emptied between runs. */
const UNCONSUMED = ['billing'];
const RUN_TIMEOUT_MS = 180_000;

const ROLLUP_EVENTS = sizeFromEnv('ANALYTICS_BENCH_ROLLUP_EVENTS', 10_000_000);
const QUERY_TENANTS = sizeFromEnv('ANALYTICS_BENCH_TENANTS', 100);
const QUERY_SAMPLES = sizeFromEnv('ANALYTICS_BENCH_QUERY_SAMPLES', 100);
const QUERY_DAYS = 90;
const DAY_MS = 86_400_000;
/** Distinct mixes of events; tenant i gets mix i mod PROFILES. */
const PROFILES = 4;
const REPORTS = ['usage', 'performance', 'taxonomy', 'compliance', 'billing', 'backups'] as const;

const DETECTORS = [
  { name: 'presidio', type: 'pii', version: '2.2.355' },
  { name: 'llm-guard', type: 'secrets', version: '0.3.15' },
  { name: 'aws-comprehend', type: 'pii', version: '2025-06' },
  { name: 'regex', type: 'pci', version: '1.4.0' },
];
const MODEL_VERSIONS = ['mapper-2026.09.1', 'mapper-2026.10.2', 'mapper-2026.11.1'];
const LEAF_LABELS = [
  'PII.Contact.Email', 'PII.Contact.Phone', 'PII.Contact.Address', 'PII.Identifier.SSN', 'PII.Identifier.Passport', 'PII.Identifier.NationalId',
  'PII.Identifier.DriverLicense', 'PII.Person.Name', 'PII.Person.DateOfBirth', 'PII.Network.IPAddress', 'PCI.Card.Number', 'PCI.Card.CVV',
  'PCI.Bank.IBAN', 'SECRETS.Credential.Password', 'SECRETS.Credential.ApiKey', 'SECRETS.Credential.PrivateKey',
];
const PLANS = [
  { plan: 'starter', amount: 4_900 },
  { plan: 'growth', amount: 29_900 },
  { plan: 'enterprise', amount: 250_000 },
];
const BACKUP_DATABASES = ['core', 'billing', 'analytics', 'audit', 'backup'];

const EVENT_COLUMNS = ['tenant_id', 'record_id', 'request_id', 'detector', 'taxonomy', 'confidence', 'model_version', 'latency_ms', 'stored_at', 'message_id'];

function rate(count: number, started: number): number {
  return count / ((performance.now() - started) / 1000);
}

function percentileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A counter of the service's own metrics, summed over the series whose labels match: no database involved. */
async function counter(app: AnalyticsTestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = app.service.runtime.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted)).reduce((sum, value) => sum + value.value, 0);
}

const completedIngest = (app: AnalyticsTestApp) => counter(app, 'messaging_completed_total', { subscription: SUBSCRIPTION });

/** An event as a row of the baseline's plain table. */
function baselineRow(event: RecordStoredV1, messageId: string): unknown[] {
  return [
    event.tenantId,
    event.recordId,
    event.requestId,
    JSON.stringify(event.detector),
    event.taxonomy,
    event.confidence,
    event.modelVersion,
    event.latencyMs ?? null,
    event.storedAt,
    messageId,
  ];
}

/** The events bus-producer.ts sends for record.stored.v1, as rows of the baseline's plain table. */
function producedRows(seed: string, tenants: string[]): unknown[][] {
  const example = EVENT_EXAMPLES['record.stored.v1'];
  const storedAt = new Date().toISOString();
  return producedMessageIds(seed, INGESTED).map((messageId, i) =>
    baselineRow({ ...example, tenantId: tenants[i % tenants.length], recordId: randomUUID(), requestId: `req-${i}`, storedAt }, messageId),
  );
}

/** INGESTED varied events of the tenants in turn, stored within the last hour, with their message ids. */
function variedEvents(tenants: string[]): Array<{ messageId: string; payload: RecordStoredV1 }> {
  const random = pseudoRandom(Date.now());
  const now = Date.now();
  return syntheticEvents(random, INGESTED).map((event, i) => ({
    messageId: randomUUID(),
    payload: { ...event, tenantId: tenants[i % tenants.length], recordId: randomUUID(), storedAt: new Date(now - Math.floor(random() * 3_600_000)).toISOString() },
  }));
}

/**
 * BATCH events per transaction, one after another: the inbox entries with the consumer's statement
 * (MessageProcessor), then the record batch handler's service on the new ones, as after a receive.
 */
async function inProcessThroughput(app: AnalyticsTestApp, events: Array<{ messageId: string; payload: RecordStoredV1 }>): Promise<number> {
  const database = app.service.app.get<AnalyticsDatabase>(DATABASE_CLIENT);
  const records = app.service.app.get(RecordsService);
  const started = performance.now();
  for (const batch of chunks(events, BATCH)) {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into messaging_inbox (subscription, message_id)
        select ${SUBSCRIPTION}, message_id from unnest(${sql.param(batch.map((event) => event.messageId))}::text[]) as m(message_id)
        on conflict do nothing returning message_id`);
      const incoming = batch.map(({ messageId, payload }) => ({ type: 'record.stored.v1', messageId, correlationId: messageId, tenantId: payload.tenantId, deliveryCount: 0, payload }));
      await records.addStored(tx, incoming as IncomingEvent<'record.stored.v1'>[]);
    });
  }
  return rate(events.length, started);
}

/** BATCH rows per multi-row INSERT into a plain table of the same events, one connection. */
async function rawInsertThroughput(admin: Client, rows: unknown[][]): Promise<number> {
  await admin.query('truncate bench_record_events');
  const started = performance.now();
  for (const batch of chunks(rows, BATCH)) {
    const tuples = batch.map((_, r) => `(${EVENT_COLUMNS.map((_, c) => `$${r * EVENT_COLUMNS.length + c + 1}`).join(', ')})`);
    await admin.query(`insert into bench_record_events (${EVENT_COLUMNS.join(', ')}) values ${tuples.join(', ')}`, batch.flat());
  }
  return rate(rows.length, started);
}

/** From the producer's first send until the service has completed (so committed) every message. */
async function ingestThroughput(app: AnalyticsTestApp, connectionString: string, seed: string, tenants: string[]): Promise<number> {
  const producer = await startBusProducer({ connectionString, type: 'record.stored.v1', count: INGESTED, batch: BATCH, seed, tenants });
  const before = await completedIngest(app);
  const started = performance.now();
  producer.go();
  while ((await completedIngest(app)) < before + INGESTED) {
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`ingest did not finish within ${RUN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const throughput = rate(INGESTED, started);
  await producer.sent;
  if ((await producer.exited) !== 0) throw new Error('the producer failed');
  return throughput;
}

/** Empties the subscriptions of core-events that nobody consumes here. */
async function drainUnconsumed(client: ServiceBusClient): Promise<void> {
  await Promise.all(
    UNCONSUMED.map(async (name) => {
      const receiver = client.createReceiver('core-events', name, { receiveMode: 'receiveAndDelete' });
      while ((await receiver.receiveMessages(BATCH, { maxWaitTimeInMs: 200 })).length > 0);
      await receiver.close();
    }),
  );
}

/** A small deterministic generator, so every run seeds the same rollups. */
function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Synthetic record.stored.v1 of one day: skewed towards the first detectors, models and labels; some with two labels, some without latency. */
function syntheticEvents(random: () => number, count: number): RecordStoredV1[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() ** 1.5 * items.length)];
  return Array.from({ length: count }, (_, i) => ({
    tenantId: 'profile',
    recordId: `r${i}`,
    requestId: `q${i}`,
    detector: pick(DETECTORS),
    taxonomy: random() < 0.15 ? [pick(LEAF_LABELS), pick(LEAF_LABELS)] : [pick(LEAF_LABELS)],
    confidence: Math.min(1, 0.55 + random() * 0.45),
    modelVersion: pick(MODEL_VERSIONS),
    latencyMs: random() < 0.9 ? Math.round(2 + random() ** 3 * 3_000) : undefined,
    storedAt: `2026-01-01T${String(i % 24).padStart(2, '0')}:00:00Z`,
  }));
}

/** One tenant-day of `events` synthetic events, tallied as the handler tallies them (one day's rows). */
function tenantDayProfile(profile: number, events: number): ReturnType<typeof tallyStored> {
  return tallyStored(syntheticEvents(pseudoRandom(profile + 1), events));
}

interface Seeded {
  tenants: string[];
  events: number;
  rows: Record<string, number>;
  seconds: number;
}

/** The daily rollups of QUERY_TENANTS tenants over QUERY_DAYS days up to today, as the superuser (row-level security does not apply to it). */
async function seedRollups(admin: Client, today: Date): Promise<Seeded> {
  const started = performance.now();
  const perTenantDay = Math.max(1, Math.round(ROLLUP_EVENTS / (QUERY_TENANTS * QUERY_DAYS)));
  const tenants = Array.from({ length: QUERY_TENANTS }, (_, i) => `bench-t${String(i).padStart(4, '0')}`);
  const firstDay = new Date(today.getTime() - QUERY_DAYS * DAY_MS).toISOString();
  for (let profile = 0; profile < PROFILES; profile++) {
    const tally = tenantDayProfile(profile, perTenantDay);
    const [record] = tally.records.daily;
    const ofProfile = tenants.filter((_, i) => i % PROFILES === profile);
    const days = `generate_series($2::timestamptz, $2::timestamptz + ($3 - 1) * interval '1 day', interval '1 day')`;
    await admin.query(
      `insert into record_rollups_daily (tenant_id, bucket, stored, deleted, confidence, latency)
       select t, d, $4, $5, $6, $7 from unnest($1::text[]) t, ${days} d`,
      [ofProfile, firstDay, QUERY_DAYS, record.stored, Math.round(record.stored / 10), record.confidence, record.latency],
    );
    await admin.query(
      `insert into record_dimension_rollups_daily (tenant_id, bucket, dimension, key, stored)
       select t, d, x.dimension, x.key, x.stored
         from unnest($1::text[]) t, ${days} d, jsonb_to_recordset($4::jsonb) as x(dimension text, key text, stored bigint)`,
      [ofProfile, firstDay, QUERY_DAYS, JSON.stringify(tally.dimensions.daily.map(({ dimension, key, stored }) => ({ dimension, key, stored })))],
    );
  }
  // A subscription per tenant (some upgraded once), a monthly invoice per tenant, a failed payment now and then.
  await admin.query(
    `insert into subscription_changes (tenant_id, subscription_id, occurred_at, message_id, plan, status, amount, currency, interval)
     select t, 'sub_' || t, $2::timestamptz + (i % 28) * interval '1 day', gen_random_uuid()::text, ($3::text[])[1 + i % 3], 'active', ($4::bigint[])[1 + i % 3], 'usd', 'month'
       from unnest($1::text[]) with ordinality as u(t, i)`,
    [tenants, firstDay, PLANS.map((p) => p.plan), PLANS.map((p) => p.amount)],
  );
  await admin.query(
    `insert into invoice_rollups_daily (tenant_id, bucket, subscription_id, currency, paid, paid_amount, failed, failed_amount)
     select c.tenant_id, c.occurred_at + m * interval '30 days', c.subscription_id, 'usd', 1, c.amount,
            case when (hashtext(c.tenant_id) + m) % 7 = 0 then 1 else 0 end, case when (hashtext(c.tenant_id) + m) % 7 = 0 then c.amount else 0 end
       from subscription_changes c, generate_series(0, 2) m`,
  );
  await admin.query(
    `insert into backup_rollups_daily (tenant_id, bucket, database, completed, failed, last_completed_at, last_failed_at)
     select t, d, db, 1, case when hashtext(t || db || d::text) % 20 = 0 then 1 else 0 end, d + interval '2 hours',
            case when hashtext(t || db || d::text) % 20 = 0 then d + interval '1 hour' end
       from unnest($1::text[]) t, unnest($2::text[]) db,
            generate_series($3::timestamptz, $3::timestamptz + ($4 - 1) * interval '1 day', interval '1 day') d`,
    [['_platform', ...tenants.slice(0, 10)], BACKUP_DATABASES, firstDay, QUERY_DAYS],
  );
  await admin.query('analyze record_rollups_daily, record_dimension_rollups_daily, subscription_changes, invoice_rollups_daily, backup_rollups_daily');
  const rows: Record<string, number> = {};
  for (const table of ['record_rollups_daily', 'record_dimension_rollups_daily', 'invoice_rollups_daily', 'subscription_changes', 'backup_rollups_daily']) {
    rows[table] = (await admin.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n;
  }
  const events = (await admin.query<{ n: string }>('select sum(stored)::text as n from record_rollups_daily')).rows[0].n;
  return { tenants, events: Number(events), rows, seconds: (performance.now() - started) / 1000 };
}

interface Latency {
  p50: number;
  p99: number;
}

/** QUERY_SAMPLES sequential GETs after a warm-up; every answer must be 200. */
async function latencyOf(url: (sample: number) => string, token: string): Promise<Latency> {
  const get = async (sample: number) => {
    const started = performance.now();
    const response = await fetch(url(sample), { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url(sample)} answered ${response.status}`);
    return performance.now() - started;
  };
  for (let sample = 0; sample < Math.min(10, QUERY_SAMPLES); sample++) await get(sample);
  const timings: number[] = [];
  for (let sample = 0; sample < QUERY_SAMPLES; sample++) timings.push(await get(sample));
  return { p50: percentileOf(timings, 0.5), p99: percentileOf(timings, 0.99) };
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const postgres = await useTestPostgres(cleanups);
  const emulator = await startEmulatorProcess(emulatorTopology(PLATFORM_TOPOLOGY));
  cleanups.push(() => emulator.stop());
  const app = await startAnalyticsTestApp({ messaging: true, serviceBusConnectionString: emulator.connectionString });
  cleanups.push(() => closeTestApp(app, postgres.adminUrl));
  await app.service.runtime.messaging?.relay.stop();
  const admin = new Client({ connectionString: app.database.adminUrl });
  await admin.connect();
  cleanups.push(() => admin.end());
  await admin.query(
    `create table bench_record_events (tenant_id text not null, record_id text not null, request_id text not null, detector jsonb not null,
       taxonomy text[] not null, confidence double precision not null, model_version text not null, latency_ms double precision,
       stored_at timestamptz not null, message_id uuid not null)`,
  );
  const bus = new ServiceBusClient(emulator.connectionString);
  cleanups.push(() => bus.close());

  const run = randomBytes(4).toString('hex');
  const ingestTenants = Array.from({ length: INGEST_TENANTS }, (_, i) => `bench-${run}-i${i}`);
  const ingest = { raw: [] as number[], bus: [] as number[], rawVaried: [] as number[], inProcess: [] as number[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const seed = randomUUID();
    const raw = await rawInsertThroughput(admin, producedRows(seed, ingestTenants));
    const throughput = await ingestThroughput(app, emulator.connectionString, seed, ingestTenants);
    await drainUnconsumed(bus);
    const varied = variedEvents(ingestTenants);
    const rawVaried = await rawInsertThroughput(admin, varied.map(({ messageId, payload }) => baselineRow(payload, messageId)));
    const inProcess = await inProcessThroughput(app, varied);
    // Round 0 is the warm-up.
    if (round > 0) {
      ingest.raw.push(raw);
      ingest.bus.push(throughput);
      ingest.rawVaried.push(rawVaried);
      ingest.inProcess.push(inProcess);
    }
  }
  const [{ counted }] = (await admin.query<{ counted: number }>('select sum(stored)::int as counted from record_rollups_daily')).rows;
  if (counted !== 2 * INGESTED * (ROUNDS + 1)) throw new Error(`the rollups counted ${counted} records, not ${2 * INGESTED * (ROUNDS + 1)}`);
  await admin.query('truncate record_rollups_hourly, record_rollups_daily, record_dimension_rollups_hourly, record_dimension_rollups_daily');

  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const seeded = await seedRollups(admin, today);
  const period = `from=${new Date(today.getTime() - QUERY_DAYS * DAY_MS).toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}&granularity=day`;
  const health = await latencyOf(() => `${app.url}/health/live`, app.adminToken);
  const queries: Array<{ report: string; tenant: Latency; fleet: Latency }> = [];
  for (const report of REPORTS) {
    const tenant = await latencyOf((sample) => `${app.url}/v1/analytics/${report}?${period}&tenant=${seeded.tenants[sample % seeded.tenants.length]}`, app.adminToken);
    const fleet = await latencyOf(() => `${app.url}/v1/analytics/${report}?${period}`, app.adminToken);
    queries.push({ report, tenant, fleet });
  }

  const rawRate = median(ingest.raw);
  const busRate = median(ingest.bus);
  const ratio = busRate / rawRate;
  const rawVariedRate = median(ingest.rawVaried);
  const inProcessRate = median(ingest.inProcess);
  const inProcessRatio = inProcessRate / rawVariedRate;
  const goal = (value: number) => `(goal ≥ ${INGEST_GOAL.toFixed(2)}×: ${value >= INGEST_GOAL ? 'met' : 'missed'})`;
  const labels = {
    raw: `raw INSERT of the same events into a plain table, ${BATCH} rows per statement (baseline)`,
    bus: 'core-events → record batch handler (inbox + rollup upserts), until completed',
    inProcess: `in process: inbox + RecordsService, ${BATCH} per transaction, one at a time`,
  };
  const width = Math.max(...Object.values(labels).map((l) => l.length));
  const row = (label: string, value: number) => `${label.padEnd(width)} ${value.toFixed(0).padStart(8)} events/s`;
  const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;
  process.stdout.write(
    [
      `PostgreSQL: ${describePostgres(postgres)}; analytics-ingest in this process; the emulator and the bus producer in their own; loopback; outbox relay paused`,
      '',
      `ingest through the bus: ${INGESTED} record.stored.v1 of ${INGEST_TENANTS} tenants per run, ${BATCH} per batch, per send and per INSERT, median of ${ROUNDS} runs after a warm-up`,
      row(labels.raw, rawRate),
      `${row(labels.bus, busRate)}   ${ratio.toFixed(2)}× raw INSERT ${goal(ratio)}`,
      '',
      `ingest in process, no broker: ${INGESTED} varied record.stored.v1 (4 detectors, 3 model versions, 16 labels, last hour) of ${INGEST_TENANTS} tenants per run`,
      row(labels.raw, rawVariedRate),
      `${row(labels.inProcess, inProcessRate)}   ${inProcessRatio.toFixed(2)}× raw INSERT ${goal(inProcessRatio)}`,
      '',
      `reports over daily rollups of ${seeded.events.toLocaleString('en')} events: ${QUERY_TENANTS} tenants × ${QUERY_DAYS} days ` +
        `(${Object.entries(seeded.rows)
          .map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
          .join(', ')} rows; seeded in ${seeded.seconds.toFixed(0)} s)`,
      `${QUERY_DAYS}-day daily query over HTTP, admin token, ${QUERY_SAMPLES} sequential requests each after a warm-up`,
      `${'report'.padEnd(12)} ${'tenant p50'.padStart(10)} ${'tenant p99'.padStart(10)} ${'fleet p50'.padStart(10)} ${'fleet p99'.padStart(10)}`,
      ...queries.map(({ report, tenant, fleet }) => `${report.padEnd(12)} ${ms(tenant.p50)} ${ms(tenant.p99)} ${ms(fleet.p50)} ${ms(fleet.p99)}`),
      `${'GET /health/live (baseline: the HTTP round trip)'} p50 ${health.p50.toFixed(1)} ms, p99 ${health.p99.toFixed(1)} ms`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
