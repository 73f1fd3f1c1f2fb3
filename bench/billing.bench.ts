/*
 * billing's two ingest paths, the service running in this process as its test app does (its own
 * scratch database on real PostgreSQL; the Service Bus emulator, the bus producer and the webhook
 * sender in processes of their own, as broker and producers are), each next to a baseline measured
 * in the same run and printed as a ratio. Each figure is the median of ROUNDS runs after a warm-up.
 *
 * 1. Verified Stripe webhooks stored per second: WEBHOOK_EVENTS customer.updated events (the
 *    fixture payloads npm run stripe:send sends, pretty-printed as Stripe sends them, distinct ids,
 *    each signed with stripe.webhooks.generateTestHeaderString before the clock starts) POSTed to
 *    /webhooks/stripe by a sender in its own process (http-sender.ts) with HTTP_CLIENTS
 *    requests in flight, until every one is answered 200 with duplicate: false, that is verified
 *    and stored. Baseline: the same rows INSERTed into stripe_events one row per statement by
 *    HTTP_CLIENTS concurrent connections as the superuser; the endpoint stores one event per
 *    request, so that is its ceiling.
 *    Background processing runs during the measurement, as it does in production: every store
 *    kicks StripeEventProcessor, which applies the stored events one after another on billing's
 *    event loop and database, each in a transaction of its own (select the due events, lock the
 *    event, lock and update its tenant's customer row, mark it processed). customer.updated about
 *    the customers of WEBHOOK_TENANTS tenants (they exist after the warm-up) is among the cheapest
 *    types billing handles: the tenant comes from the customer's metadata, no account changes, no
 *    outbox event; invoice and subscription events cost more. The bench prints how many events were
 *    processed while the clock ran, how long the rest took after it stopped, and the CPU per stored
 *    event. The periodic jobs (BILLING_JOB_INTERVAL_MS) are set to an hour, so only the kicks process.
 * 2. Metering events per second: METERED record.stored.v1 of METER_TENANTS tenants, interleaved
 *    (their accounts opened by the warm-up; usage is emptied before every run, so each run crosses
 *    the 80 % and 100 % thresholds of the free plan once per tenant), sent to core-events by a
 *    producer in its own process and consumed by billing's metering batch handler (up to BATCH
 *    per transaction: inbox entries, then per tenant the plan lookup and one usage upsert), until
 *    billing's messaging_completed_total for core-events/billing has counted them all. The broker
 *    fans each message out to every subscription of core-events; those nobody consumes here
 *    are emptied between runs. Baseline: the same message ids INSERTed into messaging_inbox
 *    (subscription core-events/billing), BATCH rows per statement, as the superuser: the least
 *    durable write an idempotent consumer makes per event. The goal is metering ≥ METERING_GOAL ×
 *    that baseline; the bench prints whether it is met, the ratio to raw rhea sender → receiver in
 *    one process (one AMQP transfer per message, no broker: the per-message ceiling of one event
 *    loop, as in messaging-pipeline.bench.ts), and the CPU time each process spent per metered
 *    event (Linux's accounting, /proc/<pid>/stat).
 *
 * The outbox relay is paused, so billing's few events (quota, thresholds, audit) stay in the outbox.
 * Progress is read from billing's metrics, never by counting rows while the measured work runs.
 * Run: node -r @swc-node/register bench/billing.bench.ts
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ServiceBusClient } from '@azure/service-bus';
import { PLATFORM_TOPOLOGY, TOPICS } from '@comply/contracts';
import { emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { describePostgres } from '@comply/testing';
import { Client } from 'pg';
import { stripeFixtureEvent, stripeSignatureHeader } from '../apps/billing/src/stripe/stripe-event-fixtures';
import { BillingTestApp, startBillingTestApp, TEST_WEBHOOK_SECRET } from '../apps/billing/src/testing/billing-test-app';
import { closeTestApp, useTestPostgres } from './bench-infrastructure';
import { chunks, Cleanup, median, runBenchmark } from './bench-support';
import { cpuPerEvent, CpuPerEvent, cpuSnapshot, medianMicros, postgresCpuMicros } from './process-cpu';
import { producedMessageIds, startBusProducer, startHttpSender } from './producer-process';
import { rawRheaThroughput } from './raw-amqp';
import type { HttpSenderRequest } from './http-sender';

const ROUNDS = 3;
const WEBHOOK_EVENTS = 5_000;
const WEBHOOK_TENANTS = 16;
const HTTP_CLIENTS = 8;
const METERED = 20_000;
const METER_TENANTS = 8;
/** The metering handler's batch size (RecordStoredHandler), the producer's messages per send and the baseline's rows per INSERT. */
const BATCH = 500;
const METERING_GOAL = 0.5;
const SUBSCRIPTION = 'core-events/billing';
/** The subscriptions of core-events besides billing's: they get a copy of every event and are emptied between runs. */
const UNCONSUMED = (PLATFORM_TOPOLOGY.find((topic) => topic.name === TOPICS.coreEvents)?.subscriptions ?? []).map((s) => s.name).filter((name) => `${TOPICS.coreEvents}/${name}` !== SUBSCRIPTION);
const RUN_TIMEOUT_MS = 120_000;

const STRIPE_EVENT_COLUMNS = ['id', 'type', 'created_at', 'api_version', 'livemode', 'payload'] as const;

interface WebhookRound {
  /** What the sender posts: every answer 200 with duplicate: false, that is verified and stored. */
  signed: HttpSenderRequest[];
  /** The stripe_events rows the webhook stores, for the baseline. */
  rows: unknown[][];
}

function rate(count: number, started: number): number {
  return count / ((performance.now() - started) / 1000);
}

/** Signed customer.updated events, ids fresh, tenants in turn; signed now, well within the 300 s tolerance. */
function webhookRound(run: string): WebhookRound {
  const round: WebhookRound = { signed: [], rows: [] };
  for (let i = 0; i < WEBHOOK_EVENTS; i++) {
    const event = stripeFixtureEvent('customer.updated', { tenantId: `bench-${run}-w${i % WEBHOOK_TENANTS}` });
    const body = JSON.stringify(event, null, 2);
    const headers = { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignatureHeader(body, TEST_WEBHOOK_SECRET) };
    round.signed.push({ body, headers, expect: { status: 200, fields: { duplicate: false } } });
    round.rows.push([event.id, event.type, new Date(event.created * 1000), event.api_version, event.livemode, JSON.stringify(event)]);
  }
  return round;
}

/** A counter of billing's own metrics, summed over the series whose labels match: no database involved. */
async function counter(app: BillingTestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = app.service.runtime.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted)).reduce((sum, value) => sum + value.value, 0);
}

const processedStripeEvents = (app: BillingTestApp) => counter(app, 'billing_stripe_events_processed_total', { outcome: 'processed' });
const completedMetering = (app: BillingTestApp) => counter(app, 'messaging_completed_total', { subscription: SUBSCRIPTION });

async function until(probe: () => Promise<number>, target: number, started: number, what: string): Promise<void> {
  while ((await probe()) < target) {
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`${what} did not finish within ${RUN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface BaselineRun {
  throughput: number;
  /** PostgreSQL's CPU time per row, µs, where /proc tells. */
  postgres: number | undefined;
}

/** Times `write` of `rows` rows, with PostgreSQL's CPU time per row. */
async function baseline(rows: number, write: () => Promise<void>): Promise<BaselineRun> {
  const before = postgresCpuMicros();
  const started = performance.now();
  await write();
  const throughput = rate(rows, started);
  const after = postgresCpuMicros();
  return { throughput, postgres: before === undefined || after === undefined ? undefined : (after - before) / rows };
}

/** One row per statement, HTTP_CLIENTS connections at once: what the endpoint's store is at best. */
function rawStripeInsertThroughput(connections: Client[], rows: unknown[][]): Promise<BaselineRun> {
  const text = `insert into stripe_events (${STRIPE_EVENT_COLUMNS.join(', ')}) values (${STRIPE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
  let next = 0;
  return baseline(rows.length, async () => {
    await Promise.all(
      connections.map(async (connection) => {
        while (next < rows.length) await connection.query(text, rows[next++]);
      }),
    );
  });
}

interface WebhookRun {
  throughput: number;
  /** Events processed by the time the last one was stored. */
  processedWhileStoring: number;
  /** From the last store until every event was processed. */
  drainMs: number;
  cpu: CpuPerEvent;
}

/** From the sender's first POST until every event is stored; then waits, off the clock, until processing has caught up. */
async function webhookThroughput(app: BillingTestApp, signed: HttpSenderRequest[]): Promise<WebhookRun> {
  const sender = await startHttpSender(`${app.url}/webhooks/stripe`, signed, HTTP_CLIENTS);
  const before = await processedStripeEvents(app);
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  sender.go();
  await sender.sent;
  const throughput = rate(WEBHOOK_EVENTS, started);
  const stored = performance.now();
  const cpuAfter = cpuSnapshot();
  const processedWhileStoring = (await processedStripeEvents(app)) - before;
  const cpu = await cpuPerEvent(cpuBefore, cpuAfter, sender, WEBHOOK_EVENTS);
  await until(() => processedStripeEvents(app), before + WEBHOOK_EVENTS, stored, 'processing the stored Stripe events');
  return { throughput, processedWhileStoring, drainMs: performance.now() - stored, cpu };
}

/** BATCH rows per statement into messaging_inbox, one connection: the inbox write of every metered event. */
function rawInboxInsertThroughput(admin: Client, messageIds: string[]): Promise<BaselineRun> {
  return baseline(messageIds.length, async () => {
    for (const batch of chunks(messageIds, BATCH)) {
      const tuples = batch.map((_, i) => `($1, $${i + 2})`);
      await admin.query(`insert into messaging_inbox (subscription, message_id) values ${tuples.join(', ')}`, [SUBSCRIPTION, ...batch]);
    }
  });
}

interface MeteringRun {
  throughput: number;
  cpu: CpuPerEvent;
}

/** From the producer's first send until billing has completed (so committed) every message. */
async function meteringThroughput(app: BillingTestApp, emulator: { connectionString: string; pid: number }, seed: string, tenants: string[]): Promise<MeteringRun> {
  const producer = await startBusProducer({ connectionString: emulator.connectionString, type: 'record.stored.v1', count: METERED, batch: BATCH, seed, tenants });
  const before = await completedMetering(app);
  const cpuBefore = cpuSnapshot(emulator.pid);
  const started = performance.now();
  producer.go();
  await until(() => completedMetering(app), before + METERED, started, 'metering');
  const throughput = rate(METERED, started);
  return { throughput, cpu: await cpuPerEvent(cpuBefore, cpuSnapshot(emulator.pid), producer, METERED) };
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

async function main(cleanups: Cleanup[]): Promise<void> {
  const postgres = await useTestPostgres(cleanups);
  const emulator = await startEmulatorProcess(emulatorTopology(PLATFORM_TOPOLOGY));
  cleanups.push(() => emulator.stop());
  const app = await startBillingTestApp({
    messaging: true,
    serviceBusConnectionString: emulator.connectionString,
    env: { BILLING_JOB_INTERVAL_MS: String(3_600_000) },
  });
  cleanups.push(() => closeTestApp(app, postgres.adminUrl));
  await app.service.runtime.messaging?.relay.stop();
  const connections = await Promise.all(
    Array.from({ length: HTTP_CLIENTS }, async () => {
      const client = new Client({ connectionString: app.database.adminUrl });
      await client.connect();
      cleanups.push(() => client.end());
      return client;
    }),
  );
  const [admin] = connections;
  const bus = new ServiceBusClient(emulator.connectionString);
  cleanups.push(() => bus.close());

  const run = randomBytes(4).toString('hex');
  const meterTenants = Array.from({ length: METER_TENANTS }, (_, i) => `bench-${run}-m${i}`);
  const webhooks = { raw: [] as BaselineRun[], runs: [] as WebhookRun[] };
  const metering = { raw: [] as BaselineRun[], rhea: [] as number[], runs: [] as MeteringRun[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const { signed, rows } = webhookRound(run);
    await admin.query('truncate stripe_events');
    const rawWebhooks = await rawStripeInsertThroughput(connections, rows);
    await admin.query('truncate stripe_events');
    const webhookRun = await webhookThroughput(app, signed);

    const seed = randomUUID();
    await admin.query('truncate messaging_inbox, messaging_outbox, usage_records, usage_notices');
    const rawMetering = await rawInboxInsertThroughput(admin, producedMessageIds(seed, METERED));
    const rhea = await rawRheaThroughput(METERED);
    await admin.query('truncate messaging_inbox, messaging_outbox, usage_records, usage_notices');
    const meteringRun = await meteringThroughput(app, emulator, seed, meterTenants);
    await drainUnconsumed(bus);
    // Round 0 is the warm-up.
    if (round > 0) {
      webhooks.raw.push(rawWebhooks);
      webhooks.runs.push(webhookRun);
      metering.raw.push(rawMetering);
      metering.rhea.push(rhea);
      metering.runs.push(meteringRun);
    }
  }

  const medianOf = <T>(runs: T[], pick: (run: T) => number) => median(runs.map(pick));
  const cpuOf = (runs: Array<{ cpu: CpuPerEvent }>, process: keyof CpuPerEvent) => medianMicros(runs.map((r) => r.cpu[process]));
  const rawWebhooks = medianOf(webhooks.raw, (r) => r.throughput);
  const webhookRate = medianOf(webhooks.runs, (r) => r.throughput);
  const rawMetering = medianOf(metering.raw, (r) => r.throughput);
  const rhea = median(metering.rhea);
  const meteringRate = medianOf(metering.runs, (r) => r.throughput);
  const meteringRatio = meteringRate / rawMetering;
  const labels = {
    rawWebhooks: `raw INSERT into stripe_events, 1 row per statement, ${HTTP_CLIENTS} connections (baseline)`,
    webhooks: `POST /webhooks/stripe, ${HTTP_CLIENTS} in flight, until stored`,
    rawMetering: `raw INSERT into messaging_inbox, ${BATCH} rows per statement (baseline)`,
    rhea: 'raw rhea sender → receiver, one process (reference)',
    metering: 'core-events → metering batch handler, until completed',
  };
  const width = Math.max(...Object.values(labels).map((l) => l.length));
  const row = (label: string, value: number) => `${label.padEnd(width)} ${value.toFixed(0).padStart(8)} events/s`;
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;
  process.stdout.write(
    [
      `PostgreSQL: ${describePostgres(postgres)}; billing in this process; the emulator, the bus producer and the webhook sender in their own; loopback; outbox relay paused`,
      '',
      `webhooks: ${WEBHOOK_EVENTS} signed customer.updated events of ${WEBHOOK_TENANTS} tenants per run, one per request, median of ${ROUNDS} runs after a warm-up`,
      `${row(labels.rawWebhooks, rawWebhooks)}   PostgreSQL ${medianMicros(webhooks.raw.map((r) => r.postgres))} CPU per row`,
      `${row(labels.webhooks, webhookRate)}   ${ratio(webhookRate, rawWebhooks)} raw INSERT`,
      `  processing alongside, one transaction per event: ${medianOf(webhooks.runs, (r) => r.processedWhileStoring).toFixed(0)} of ${WEBHOOK_EVENTS} processed while storing, ` +
        `the rest within ${(medianOf(webhooks.runs, (r) => r.drainMs) / 1000).toFixed(1)} s after the last store`,
      `  CPU per stored event while storing: billing (with its processing) ${cpuOf(webhooks.runs, 'service')}, sender ${cpuOf(webhooks.runs, 'producer')}, ` +
        `PostgreSQL ${cpuOf(webhooks.runs, 'postgres')}`,
      '',
      `metering: ${METERED} record.stored.v1 of ${METER_TENANTS} tenants per run, ${BATCH} per batch, per send and per INSERT, median of ${ROUNDS} runs after a warm-up`,
      `${row(labels.rawMetering, rawMetering)}   PostgreSQL ${medianMicros(metering.raw.map((r) => r.postgres))} CPU per row`,
      row(labels.rhea, rhea),
      `${row(labels.metering, meteringRate)}   ${ratio(meteringRate, rawMetering)} raw INSERT (goal ≥ ${METERING_GOAL.toFixed(2)}×: ${meteringRatio >= METERING_GOAL ? 'met' : 'missed'})   ${ratio(meteringRate, rhea)} raw rhea`,
      `  CPU per metered event: billing ${cpuOf(metering.runs, 'service')}, emulator ${cpuOf(metering.runs, 'emulator')}, producer ${cpuOf(metering.runs, 'producer')}, ` +
        `PostgreSQL ${cpuOf(metering.runs, 'postgres')}; wall ${(1e6 / meteringRate).toFixed(0)} µs per event on ${availableParallelism()} cores`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
