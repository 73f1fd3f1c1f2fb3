/*
 * Events/s through the whole messaging pipeline — addAllToOutbox in producer transactions → OutboxRelay
 * → Service Bus emulator (in its own process, as a broker) → ServiceBusTransport batch handler →
 * inbox + one multi-row INSERT per batch — next to two ceilings measured in the same run: the raw
 * multi-row INSERT of the same rows into the same table (the consumer's write) and raw rhea
 * sender → receiver (AMQP without broker or SDK), printed as ratios. A second row times the same
 * delivery with the outbox filled beforehand, separating the producer's writes from relay and
 * consumer. Progress is read from the consumer's metrics. Each figure is the median of ROUNDS runs
 * after a warm-up.
 * Run: node -r @swc-node/register bench/messaging-pipeline.bench.ts
 */
import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ServiceBusClient } from '@azure/service-bus';
import { PLATFORM_TOPOLOGY, RecordDeletedV1 } from '@comply/contracts';
import {
  addAllToOutbox,
  createServiceBusClient,
  ExceptionPassthroughFilter,
  IncomingEvent,
  OutboxRelay,
  ServiceBusContext,
  ServiceBusTransport,
} from '@comply/messaging';
import { createLogger } from '@comply/observability';
import { DatabaseClient, databaseRoles } from '@comply/persistence';
import { emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { Registry } from 'prom-client';
import { sql, SQL } from 'drizzle-orm';
import { Client } from 'pg';
import { scratchBackupDatabase } from './bench-infrastructure';
import { chunks, Cleanup, median, runBenchmark } from './bench-support';
import { rawRheaThroughput } from './raw-amqp';

const EVENTS = 20_000;
const ROUNDS = 3;
/** Rows per INSERT in both measurements: the consumer's batch size, and the producer's events per transaction. */
const BATCH = 500;
const RUN_TIMEOUT_MS = 120_000;

const logger = createLogger({ service: 'analytics-ingest', level: 'error' });

type Database = DatabaseClient<Record<string, unknown>>;

/** The one statement both measurements run: a multi-row INSERT of deleted records. */
function insertEffects(rows: RecordDeletedV1[]): SQL {
  const values = rows.map((row) => sql`(${row.recordId}, ${row.tenantId}, ${row.deletedAt})`);
  return sql`insert into bench_effects (record_id, tenant_id, deleted_at) values ${sql.join(values, sql`, `)}`;
}

@Controller()
class BenchEffects {
  @EventPattern('record.deleted.v1', { batchSize: BATCH })
  async deleted(@Payload() events: IncomingEvent<'record.deleted.v1'>[], @Ctx() context: ServiceBusContext) {
    await context.tx.execute(insertEffects(events.map((event) => event.payload)));
  }
}

@Module({ controllers: [BenchEffects] })
class BenchConsumerModule {}

function deletions(run: number): RecordDeletedV1[] {
  const deletedAt = new Date().toISOString();
  return Array.from({ length: EVENTS }, (_, i) => ({ tenantId: `tenant-${i % 10}`, recordId: `run-${run}-rec-${i}`, reason: 'retention', deletedAt }));
}

async function rawInsertThroughput(database: Database, rows: RecordDeletedV1[]): Promise<number> {
  const started = performance.now();
  for (const batch of chunks(rows, BATCH)) await database.db.execute(insertEffects(batch));
  return rows.length / ((performance.now() - started) / 1000);
}

/** Events the consumer has completed: read from its metrics, so progress checks cost the database nothing. */
async function consumed(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('messaging_completed_total');
  const values = metric ? (await metric.get()).values : [];
  return values.find((value) => value.labels.subscription === 'core-events/analytics-ingest')?.value ?? 0;
}

async function publish(producer: Database, rows: RecordDeletedV1[]): Promise<void> {
  for (const batch of chunks(rows, BATCH)) {
    await producer.db.transaction(async (tx) => {
      await addAllToOutbox(tx, batch.map((payload) => ({ type: 'record.deleted.v1' as const, payload, tenantId: payload.tenantId })));
    });
  }
}

async function untilConsumed(registry: Registry, count: number, started: number): Promise<void> {
  while ((await consumed(registry)) < count) {
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`pipeline run did not finish within ${RUN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The whole pipeline: from the first outbox write until every row is in bench_effects. */
async function pipelineThroughput(relay: OutboxRelay, producer: Database, registry: Registry, rows: RecordDeletedV1[]): Promise<number> {
  await relay.start();
  try {
    const target = (await consumed(registry)) + rows.length;
    const started = performance.now();
    await publish(producer, rows);
    await untilConsumed(registry, target, started);
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await relay.stop();
  }
}

/** The part after the producer's commits: the outbox is filled first, the clock starts with the relay. */
async function deliveryThroughput(relay: OutboxRelay, producer: Database, registry: Registry, rows: RecordDeletedV1[]): Promise<number> {
  await publish(producer, rows);
  const target = (await consumed(registry)) + rows.length;
  const started = performance.now();
  await relay.start();
  try {
    await untilConsumed(registry, target, started);
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await relay.stop();
  }
}

/** Between runs: empty tables, and billing's subscription, which gets a copy of every event. */
async function reset(admin: Client, client: ServiceBusClient): Promise<void> {
  await admin.query('truncate bench_effects, messaging_outbox, messaging_inbox');
  const receiver = client.createReceiver('core-events', 'billing', { receiveMode: 'receiveAndDelete' });
  while ((await receiver.receiveMessages(500, { maxWaitTimeInMs: 200 })).length > 0);
  await receiver.close();
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const database = await scratchBackupDatabase(cleanups);
  const { admin } = database;
  // Created as the owner, so the default privileges let the application role write to it.
  await admin.query(`set role ${databaseRoles('backup').owner};
    create table bench_effects (record_id text, tenant_id text, deleted_at timestamptz); reset role`);
  // The producer and the consumer are separate services with their own pools.
  const producer = database.connect('bench-producer');
  const consumer = database.connect('bench-consumer');

  const bus = await startEmulatorProcess(emulatorTopology(PLATFORM_TOPOLOGY));
  cleanups.push(() => bus.stop());
  const client = createServiceBusClient({ SERVICEBUS_CONNECTION_STRING: bus.connectionString, SERVICEBUS_NAMESPACE: undefined });
  cleanups.push(() => client.close());

  const relay = new OutboxRelay({ pool: producer.pool, client, logger });
  cleanups.push(() => relay.stop());
  const registry = new Registry();
  const transport = new ServiceBusTransport({ client, service: 'analytics-ingest', database: consumer, logger, registry });
  const app: INestMicroservice = await NestFactory.createMicroservice(BenchConsumerModule, { strategy: transport, logger: false });
  app.useGlobalFilters(new ExceptionPassthroughFilter());
  await app.listen();
  cleanups.push(() => app.close());

  const figures = { raw: [] as number[], rhea: [] as number[], pipeline: [] as number[], delivery: [] as number[] };
  for (let run = 0; run <= ROUNDS; run++) {
    const rows = deletions(run);
    await reset(admin, client);
    const raw = await rawInsertThroughput(consumer, rows);
    const rhea = await rawRheaThroughput(EVENTS);
    await reset(admin, client);
    const pipeline = await pipelineThroughput(relay, producer, registry, rows);
    await reset(admin, client);
    const delivery = await deliveryThroughput(relay, producer, registry, rows);
    // Run 0 is the warm-up.
    if (run > 0) {
      figures.raw.push(raw);
      figures.rhea.push(rhea);
      figures.pipeline.push(pipeline);
      figures.delivery.push(delivery);
    }
  }

  const raw = median(figures.raw);
  const rhea = median(figures.rhea);
  const labels = {
    raw: 'raw multi-row INSERT (baseline)',
    rhea: 'raw rhea sender → receiver (baseline)',
    pipeline: 'addAllToOutbox → relay → emulator → consumer',
    delivery: '  of which relay → emulator → consumer',
  };
  const width = Math.max(...Object.values(labels).map((l) => l.length));
  const row = (label: string, rate: number) => `${label.padEnd(width)} ${rate.toFixed(0).padStart(8)} events/s`;
  const ratioRow = (label: string, rate: number) => `${row(label, rate)}   ${(rate / raw).toFixed(2)}× raw INSERT   ${(rate / rhea).toFixed(2)}× raw rhea`;
  process.stdout.write(
    [
      `events: ${EVENTS} per run, ${BATCH} rows per INSERT and per producer transaction, median of ${ROUNDS} runs after a warm-up`,
      `PostgreSQL: ${database.description}; relay and consumer in this process, the emulator in its own, loopback`,
      row(labels.raw, raw),
      row(labels.rhea, rhea),
      ratioRow(labels.pipeline, median(figures.pipeline)),
      ratioRow(labels.delivery, median(figures.delivery)),
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
