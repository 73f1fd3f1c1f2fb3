/*
 * core-store's write and read paths, the service running in this process as its test app does
 * (real PostgreSQL, Redis, Service Bus emulator). Records/s of HTTP ingest (POST /v1/mappings,
 * BATCH mappings per request from HTTP_CLIENTS concurrent clients in a process of their own) and
 * of bus ingest (mapping-events → batch handler: idempotency ledger, usage, encryption, records
 * and outbox rows in one transaction per batch), one mapping.result.v1 per message and
 * MAPPINGS_PER_BATCH_MESSAGE per mapping.batch.v1 message, each next to a raw multi-row INSERT of
 * the same, fully formed storage_records rows (source data already encrypted) as the superuser —
 * the ceiling for the records write — printed as ratios. Next to one mapping per message, the
 * same messages through the transport alone (same producer and broker, the SDK's receiver set up
 * as core-store's, each message completed and nothing else done): what one message per record
 * costs before any handler runs. Every ingest row prints the CPU time per record of each process
 * involved. Then the latency (p50, p99) of sequential GET /v1/records/:id reads that miss the
 * Redis cache next to reads of the same ids that hit it. The outbox relay is paused, so events
 * stay in the outbox: relaying is what messaging-pipeline.bench.ts measures. The emulator, the bus
 * producer and the HTTP clients run in processes of their own, as broker, producers and clients
 * do; progress is read from one counter of the service's metrics every 10 ms, and the records are
 * counted only once a second. Each figure is the median of ROUNDS runs after a warm-up.
 * Run: node -r @swc-node/register bench/core-store.bench.ts
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ServiceBusClient } from '@azure/service-bus';
import { Cache } from '@comply/cache';
import { FieldEncryptor } from '@comply/crypto';
import { RECEIVER_OPTIONS } from '@comply/messaging';
import { PLATFORM_TOPOLOGY, taxonomyPaths, TOPICS } from '@comply/contracts';
import { EmulatorProcess, EmulatorTopology, emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { describePostgres } from '@comply/testing';
import { Client } from 'pg';
import { RECORD_CACHE } from '../apps/core-store/src/cache/record-cache.module';
import { recordCacheKey } from '../apps/core-store/src/cache/record-cache-key';
import { uuidv7 } from '../apps/core-store/src/database/uuidv7';
import { encryptSourceData } from '../apps/core-store/src/encryption/source-data-cipher';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../apps/core-store/src/testing/core-store-test-app';
import { mappingSubmission } from '../apps/core-store/src/testing/mapping-fixtures';
import { closeTestApp, useTestAppInfrastructure } from './bench-infrastructure';
import { chunks, Cleanup, median, runBenchmark } from './bench-support';
import { cpuPerEvent, CpuPerEvent, cpuSnapshot, medianMicros } from './process-cpu';
import { MAPPINGS_PER_BATCH_MESSAGE, startBusProducer } from './producer-process';
import { BATCH, HTTP_CLIENTS, httpIngestThroughput, IngestRun, Latencies, postAll, rate, readLatencies, submissions } from './core-store-workload';

const RECORDS = 20_000;
const ROUNDS = 3;
/** Sequential reads per pass; every round reads fresh ids once (misses), then the same ids again (hits). */
const READS = 2_000;
const RUN_TIMEOUT_MS = 120_000;
const DAY_MS = 86_400_000;
/** A topic of the benchmark's own, shaped as mapping-events, that no service consumes. */
const TRANSPORT_TOPIC = 'bench-transport';
/** The credit core-store's consumer gives the broker with its defaults: batchSize 200 × CONSUMER_CONCURRENCY 4 (SubscriptionConsumer). */
const CONSUMER_CREDIT = 200 * 4;

/** The columns ingest writes (MappingIngestService.recordRow); backup_status and backup_ref keep their defaults. */
const RECORD_COLUMNS = [
  'id',
  'tenant_id',
  'request_id',
  'detector_name',
  'detector_type',
  'detector_version',
  'model_version',
  'taxonomy',
  'taxonomy_paths',
  'scores',
  'confidence',
  'latency_ms',
  'metadata',
  'provenance',
  'source_data',
  'correlation_id',
  'occurred_at',
  'expires_at',
  'created_at',
] as const;

/** storage_records rows as ingest writes them, encrypted beforehand (the baseline's clock does not run here). */
async function recordRows(encryptor: FieldEncryptor, tenantId: string): Promise<unknown[][]> {
  const now = Date.now();
  const createdAt = new Date(now);
  const expiresAt = new Date(now + 365 * DAY_MS);
  const rows: unknown[][] = [];
  for (let i = 0; i < RECORDS; i++) {
    const mapping = mappingSubmission();
    const id = uuidv7(now);
    rows.push([
      id,
      tenantId,
      mapping.requestId,
      mapping.detector.name,
      mapping.detector.type,
      mapping.detector.version,
      mapping.modelVersion,
      mapping.taxonomy,
      taxonomyPaths(mapping.taxonomy),
      JSON.stringify(mapping.scores),
      mapping.confidence,
      mapping.latencyMs,
      mapping.metadata ? JSON.stringify(mapping.metadata) : null,
      mapping.provenance ? JSON.stringify(mapping.provenance) : null,
      await encryptSourceData(encryptor, tenantId, id, mapping.sourceData),
      randomUUID(),
      new Date(mapping.occurredAt),
      expiresAt,
      createdAt,
    ]);
  }
  return rows;
}

async function rawInsertThroughput(admin: Client, rows: unknown[][]): Promise<number> {
  const width = RECORD_COLUMNS.length;
  const started = performance.now();
  for (const batch of chunks(rows, BATCH)) {
    const tuples = batch.map((_, row) => `(${RECORD_COLUMNS.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
    await admin.query(`insert into storage_records (${RECORD_COLUMNS.join(', ')}) values ${tuples.join(', ')}`, batch.flat());
  }
  return rate(rows.length, started);
}

/** Mapping messages the service has completed: read from its own metrics, so progress checks cost the database nothing. */
async function completedMappings(app: CoreStoreTestApp): Promise<number> {
  return mappingMessages(app, 'messaging_completed_total');
}

/**
 * A message counter of the mapping-events subscription, summed over its labels (dead-letter
 * reasons). Only that metric is read: collecting the whole registry would also run the outbox
 * gauges' queries over the growing outbox, on every check.
 */
async function mappingMessages(app: CoreStoreTestApp, name: string): Promise<number> {
  const metric = app.service.runtime.metrics.registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return values.filter((value) => value.labels.subscription === 'mapping-events/core-store').reduce((sum, value) => sum + value.value, 0);
}

/**
 * From the producer's first send until the service has completed (so committed) every message:
 * RECORDS messages of one mapping each, or RECORDS / MAPPINGS_PER_BATCH_MESSAGE mapping.batch.v1 messages.
 */
async function busIngestThroughput(app: CoreStoreTestApp, admin: Client, emulator: EmulatorProcess, tenantId: string, type: 'mapping.result.v1' | 'mapping.batch.v1'): Promise<IngestRun> {
  const messages = type === 'mapping.batch.v1' ? RECORDS / MAPPINGS_PER_BATCH_MESSAGE : RECORDS;
  const { connectionString } = emulator;
  const producer = await startBusProducer({ connectionString, type, count: messages, batch: BATCH, seed: randomUUID(), tenants: [tenantId] });
  let producerExit: number | null | undefined;
  void producer.exited.then((code) => (producerExit = code));
  const before = await completedMappings(app);
  const cpuBefore = cpuSnapshot(emulator.pid);
  const started = performance.now();
  producer.go();
  let lastCount = started;
  while ((await completedMappings(app)) - before < messages) {
    if (producerExit !== undefined && producerExit !== 0) throw new Error(`${type}: the producer exited with ${producerExit} before every message was stored`);
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`${type}: ${messages} messages not completed within ${RUN_TIMEOUT_MS} ms\n${await stallReport(app, admin, connectionString, producerExit)}`);
    // A complete whose answer was lost (the SDK closed the link) is counted as a failed
    // settlement although the broker removed the message: once a second, count the records.
    if (performance.now() - lastCount > 1_000) {
      lastCount = performance.now();
      const stored = await admin.query<{ n: number }>('select count(*)::int as n from storage_records where tenant_id = $1', [tenantId]);
      if (stored.rows[0].n >= RECORDS) break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const throughput = rate(RECORDS, started);
  return { throughput, cpu: await cpuPerEvent(cpuBefore, cpuSnapshot(emulator.pid), producer, RECORDS) };
}

/**
 * The SDK's streaming receiver on TRANSPORT_TOPIC, set up as every consumer's (RECEIVER_OPTIONS)
 * with core-store's credit, completing each message as it arrives and doing
 * nothing else: the least any consumer of one message per record pays. Counts its completes.
 */
function transportOnlyConsumer(connectionString: string): { completed(): number; failure(): unknown; close(): Promise<void> } {
  const client = new ServiceBusClient(connectionString);
  const receiver = client.createReceiver(TRANSPORT_TOPIC, 'core-store', RECEIVER_OPTIONS);
  let completed = 0;
  let failure: unknown;
  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        await receiver.completeMessage(message);
        completed += 1;
      },
      processError: async ({ error }) => {
        failure = error;
      },
    },
    { autoCompleteMessages: false, maxConcurrentCalls: CONSUMER_CREDIT },
  );
  return {
    completed: () => completed,
    failure: () => failure,
    close: async () => {
      await subscription.close();
      await client.close();
    },
  };
}

/** The same producer and mapping.result.v1 messages as bus ingest, sent to TRANSPORT_TOPIC, until the transport-only consumer has completed them all. */
async function transportThroughput(consumer: ReturnType<typeof transportOnlyConsumer>, emulator: EmulatorProcess, tenantId: string): Promise<IngestRun> {
  const producer = await startBusProducer({ connectionString: emulator.connectionString, type: 'mapping.result.v1', count: RECORDS, batch: BATCH, seed: randomUUID(), tenants: [tenantId], topic: TRANSPORT_TOPIC });
  const target = consumer.completed() + RECORDS;
  const cpuBefore = cpuSnapshot(emulator.pid);
  const started = performance.now();
  producer.go();
  while (consumer.completed() < target) {
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`transport only: ${RECORDS} messages not completed within ${RUN_TIMEOUT_MS} ms (last error: ${String(consumer.failure())})`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const throughput = rate(RECORDS, started);
  return { throughput, cpu: await cpuPerEvent(cpuBefore, cpuSnapshot(emulator.pid), producer, RECORDS) };
}

/** The platform's topology and TRANSPORT_TOPIC, a copy of mapping-events under its own name. */
function benchTopology(): EmulatorTopology {
  const topology = emulatorTopology(PLATFORM_TOPOLOGY);
  const topics = topology.topics ?? [];
  const mappingEvents = topics.find((topic) => topic.name === TOPICS.mappingEvents);
  if (!mappingEvents) throw new Error(`the topology has no ${TOPICS.mappingEvents}`);
  return { ...topology, topics: [...topics, { ...mappingEvents, name: TRANSPORT_TOPIC }] };
}

/**
 * What a stalled run looked like: which side stopped. Received but not settled means handling or
 * settlement hangs (the database sessions say whether on a lock); nothing received while the
 * broker holds messages means the receive side; an empty broker means the producer.
 */
async function stallReport(app: CoreStoreTestApp, admin: Client, connectionString: string, producerExit: number | null | undefined): Promise<string> {
  const counters = await Promise.all(
    ['messaging_received_total', 'messaging_completed_total', 'messaging_settlement_failures_total', 'messaging_dead_lettered_total', 'messaging_retried_total'].map(async (name) => `${name.replace(/^messaging_|_total$/g, '')} ${await mappingMessages(app, name)}`),
  );
  const client = new ServiceBusClient(connectionString);
  const receiver = client.createReceiver('mapping-events', 'core-store');
  const waiting = await receiver.peekMessages(1_000).then(
    (peeked) => `${peeked.length >= 1_000 ? '≥ ' : ''}${peeked.length}`,
    (error: unknown) => `unknown (${String(error)})`,
  );
  await client.close();
  const sessions = await admin.query<{ state: string; wait: string | null; seconds: number; query: string }>(
    `select state, wait_event_type || ':' || wait_event as wait, extract(epoch from now() - coalesce(xact_start, query_start))::int as seconds, left(query, 80) as query
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() order by seconds desc nulls last`,
  );
  return [
    `consumer (all runs so far): ${counters.join(', ')}`,
    `producer: ${producerExit === undefined ? 'still running' : `exited with ${producerExit}`}; messages waiting in mapping-events/core-store: ${waiting}`,
    'database sessions:',
    ...sessions.rows.map((s) => `  ${s.state ?? '-'} ${s.wait ?? '-'} ${s.seconds ?? '-'} s  ${s.query.replace(/\s+/g, ' ')}`),
  ].join('\n');
}

/** Between ingest runs: the records, the ledger, usage and the events of the run before. */
async function reset(admin: Client): Promise<void> {
  await admin.query('truncate storage_records, storage_record_keys, tenant_usage, messaging_outbox, messaging_inbox');
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const { postgres, redis } = await useTestAppInfrastructure(cleanups);

  const emulator = await startEmulatorProcess(benchTopology());
  cleanups.push(() => emulator.stop());
  const transportOnly = transportOnlyConsumer(emulator.connectionString);
  cleanups.push(() => transportOnly.close());
  const app = await startCoreStoreTestApp({ messaging: true, serviceBusConnectionString: emulator.connectionString });
  cleanups.push(() => closeTestApp(app, postgres.adminUrl));
  await app.service.runtime.messaging?.relay.stop();
  const admin = new Client({ connectionString: app.database.adminUrl });
  await admin.connect();
  cleanups.push(() => admin.end());
  const encryptor = app.service.app.get(FieldEncryptor);

  // Fresh tenant ids, so this run's cache keys in the shared Redis are its own.
  const run = randomBytes(4).toString('hex');
  const [rawTenant, httpTenant, busTenant, readTenant] = await Promise.all(
    ['raw', 'http', 'bus', 'read'].map((channel) => app.createTenant(`bench-${channel}-${run}`)),
  );

  const figures = { raw: [] as number[], http: [] as IngestRun[], transport: [] as IngestRun[], bus: [] as IngestRun[], busBatch: [] as IngestRun[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const rows = await recordRows(encryptor, rawTenant.id);
    await reset(admin);
    const raw = await rawInsertThroughput(admin, rows);
    await reset(admin);
    const http = await httpIngestThroughput(app, httpTenant, RECORDS);
    await reset(admin);
    const transport = await transportThroughput(transportOnly, emulator, busTenant.id);
    const bus = await busIngestThroughput(app, admin, emulator, busTenant.id, 'mapping.result.v1');
    await reset(admin);
    const busBatch = await busIngestThroughput(app, admin, emulator, busTenant.id, 'mapping.batch.v1');
    // Round 0 is the warm-up.
    if (round > 0) {
      figures.raw.push(raw);
      figures.http.push(http);
      figures.transport.push(transport);
      figures.bus.push(bus);
      figures.busBatch.push(busBatch);
    }
  }

  await reset(admin);
  const readKey = await readTenant.keyWith(['read']);
  const ids = await postAll(app, readTenant.key, submissions(READS * (ROUNDS + 1)));
  const cache = app.service.app.get<symbol, Cache>(RECORD_CACHE);
  cleanups.push(async () => {
    for (const batch of chunks(ids, 1_000)) await cache.delete(...batch.map((id) => recordCacheKey(readTenant.id, id)));
  });
  const reads = { miss: [] as Latencies[], hit: [] as Latencies[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const fresh = ids.slice(round * READS, (round + 1) * READS);
    const miss = await readLatencies(app, readKey, fresh, 'miss');
    const hit = await readLatencies(app, readKey, fresh, 'hit');
    if (round > 0) {
      reads.miss.push(miss);
      reads.hit.push(hit);
    }
  }

  const raw = median(figures.raw);
  const labels = {
    raw: 'raw multi-row INSERT as superuser (baseline)',
    http: `POST /v1/mappings, ${HTTP_CLIENTS} clients in their own process`,
    transport: 'mapping.result.v1, transport alone (no handler)',
    bus: 'mapping-events, mapping.result.v1, until stored',
    busBatch: `mapping-events, mapping.batch.v1 of ${MAPPINGS_PER_BATCH_MESSAGE}, until stored`,
  };
  const width = Math.max(...Object.values(labels).map((l) => l.length));
  const row = (label: string, value: number) => `${label.padEnd(width)} ${value.toFixed(0).padStart(8)} records/s`;
  const ratioRow = (label: string, value: number) => `${row(label, value)}   ${(value / raw).toFixed(2)}× raw INSERT`;
  const throughputOf = (runs: IngestRun[]) => median(runs.map((run) => run.throughput));
  const transport = throughputOf(figures.transport);
  const cpuOf = (runs: IngestRun[], process: keyof CpuPerEvent) => medianMicros(runs.map((run) => run.cpu[process]));
  const cpuRow = (runs: IngestRun[], processes: Record<string, keyof CpuPerEvent>) =>
    `  CPU per record: ${Object.entries(processes).map(([name, key]) => `${name} ${cpuOf(runs, key)}`).join(', ')}; ` +
    `wall ${(1e6 / throughputOf(runs)).toFixed(0)} µs per record on ${availableParallelism()} cores`;
  const busProcesses = (consumer: string) => ({ [consumer]: 'service', emulator: 'emulator', producer: 'producer', PostgreSQL: 'postgres' }) as const;
  const hit = { p50: median(reads.hit.map((r) => r.p50)), p99: median(reads.hit.map((r) => r.p99)) };
  const miss = { p50: median(reads.miss.map((r) => r.p50)), p99: median(reads.miss.map((r) => r.p99)) };
  const latencyRow = (label: string, l: Latencies) => `${label.padEnd(width)} p50 ${l.p50.toFixed(2).padStart(6)} ms   p99 ${l.p99.toFixed(2).padStart(6)} ms`;
  process.stdout.write(
    [
      `records: ${RECORDS} per run, ${BATCH} per INSERT, per request and per bus send, median of ${ROUNDS} runs after a warm-up`,
      `PostgreSQL: ${describePostgres(postgres)}; Redis: ${redis.source} ${redis.url}; core-store in this process, the emulator, the bus producer and the HTTP clients in their own, loopback; outbox relay paused`,
      row(labels.raw, raw),
      ratioRow(labels.http, throughputOf(figures.http)),
      cpuRow(figures.http, { 'core-store': 'service', clients: 'producer', PostgreSQL: 'postgres' }),
      ratioRow(labels.transport, transport),
      cpuRow(figures.transport, busProcesses('consumer')),
      `${ratioRow(labels.bus, throughputOf(figures.bus))}   ${(throughputOf(figures.bus) / transport).toFixed(2)}× the transport alone`,
      cpuRow(figures.bus, busProcesses('core-store')),
      ratioRow(labels.busBatch, throughputOf(figures.busBatch)),
      cpuRow(figures.busBatch, busProcesses('core-store')),
      '',
      `GET /v1/records/:id: ${READS} sequential reads per pass from one client, medians of ${ROUNDS} runs after a warm-up`,
      latencyRow('cache hit (ids read in the pass before)', hit),
      `${latencyRow('cache miss (ids never read)', miss)}   miss/hit p50 ${(miss.p50 / hit.p50).toFixed(2)}×, p99 ${(miss.p99 / hit.p99).toFixed(2)}×`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
