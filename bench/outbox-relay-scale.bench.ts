/*
 * Whether a relay round costs the same whatever the backlog: the median time of OutboxRelay
 * rounds (OUTBOX_BATCH rows each, sent to the emulator in its own process) with SMALL pending rows
 * in the outbox and with LARGE, printed with their ratio. A round reads its rows off the pending
 * index in the scan's own order, so the ratio should stay near 1.
 * Run: node -r @swc-node/register bench/outbox-relay-scale.bench.ts
 */
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { createServiceBusClient, OutboxRelay } from '@comply/messaging';
import { createLogger } from '@comply/observability';
import { emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { Client } from 'pg';
import { scratchBackupDatabase } from './bench-infrastructure';
import { Cleanup, median, runBenchmark } from './bench-support';

const SMALL = 1_000;
const LARGE = 100_000;
const OUTBOX_BATCH = 200;
const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;

/** Adds `count` pending record.deleted.v1 rows, newer than those already there. */
async function addPending(admin: Client, count: number): Promise<void> {
  await admin.query(
    `insert into messaging_outbox (id, topic, subject, body, correlation_id, tenant_id, created_at, available_at)
     select gen_random_uuid(), 'core-events', 'record.deleted.v1',
            jsonb_build_object('tenantId', 'tenant-' || (n % 10), 'recordId', 'rec-' || n, 'reason', 'retention', 'deletedAt', '2026-11-30T00:00:00Z'),
            'flow-' || n, 'tenant-' || (n % 10), clock_timestamp(), now() - interval '1 second'
       from generate_series(1, $1) as n`,
    [count],
  );
}

/** Median milliseconds of ROUNDS relay rounds, after WARM_UP_ROUNDS, with `pending` rows waiting before each. */
async function roundMs(admin: Client, relay: OutboxRelay, pending: number): Promise<number> {
  await admin.query('truncate messaging_outbox');
  await addPending(admin, pending);
  await admin.query('analyze messaging_outbox');
  const timings: number[] = [];
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    // Untimed: what the last round sent is pending again, so every round meets the same backlog.
    if (round > 0) await addPending(admin, OUTBOX_BATCH);
    const started = performance.now();
    const { sent } = await relay.relayOnce();
    if (sent !== OUTBOX_BATCH) throw new Error(`a round sent ${sent} rows, not ${OUTBOX_BATCH}`);
    if (round >= WARM_UP_ROUNDS) timings.push(performance.now() - started);
  }
  return median(timings);
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const scratch = await scratchBackupDatabase(cleanups);
  const { admin } = scratch;
  const database = scratch.connect('relay-scale-bench', 4);
  const bus = await startEmulatorProcess(emulatorTopology(PLATFORM_TOPOLOGY));
  cleanups.push(() => bus.stop());
  const client = createServiceBusClient({ SERVICEBUS_CONNECTION_STRING: bus.connectionString, SERVICEBUS_NAMESPACE: undefined });
  cleanups.push(() => client.close());
  const relay = new OutboxRelay({ pool: database.pool, client, logger: createLogger({ service: 'backup-worker', level: 'error' }), batchSize: OUTBOX_BATCH });
  cleanups.push(() => relay.stop());

  // Alternated, so that neither backlog profits from a warmer process.
  const timings = { small: [] as number[], large: [] as number[] };
  for (let pass = 0; pass < 2; pass++) {
    timings.small.push(await roundMs(admin, relay, SMALL));
    timings.large.push(await roundMs(admin, relay, LARGE));
  }
  const [small, large] = [median(timings.small), median(timings.large)];
  const plan = await admin.query<{ 'QUERY PLAN': string }>(
    `explain select id from messaging_outbox where sent_at is null and dead_lettered_at is null and available_at <= now()
      order by created_at, id limit ${OUTBOX_BATCH} for update skip locked`,
  );

  process.stdout.write(
    [
      `relay rounds of ${OUTBOX_BATCH} rows to the emulator (in its own process), medians of ${ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up rounds, two passes each; PostgreSQL: ${scratch.description}`,
      `${`round with ${SMALL.toLocaleString('en')} rows pending`.padEnd(36)} ${small.toFixed(1).padStart(7)} ms`,
      `${`round with ${LARGE.toLocaleString('en')} rows pending`.padEnd(36)} ${large.toFixed(1).padStart(7)} ms   ${(large / small).toFixed(2)}× the small backlog`,
      `pending scan plan: ${plan.rows.map((row) => row['QUERY PLAN'].trim()).join(' / ')}`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
