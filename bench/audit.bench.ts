/*
 * audit-writer's append and verification paths, the service running in this process as its test
 * app does (its own scratch database on real PostgreSQL, checkpoints on blob storage: Azurite
 * unless BLOB_CONNECTION_STRING is set; the Service Bus emulator and the bus producer in processes
 * of their own, as broker and producers are), each next to a baseline measured in the same run and
 * printed as a ratio. Each figure is the median of ROUNDS runs after a warm-up.
 *
 * 1. Append: EVENTS audit.event.v1 of TENANTS tenants, interleaved (auditEventBody in
 *    producer-process.ts: records stored, a record erased, an API key created, a setting changed),
 *    sent to audit-events by a producer in its own process and appended by audit-writer's batch
 *    handler (inbox, then per log: head lock, canonical entries, chain, Merkle frontier, one
 *    INSERT), until audit-writer's messaging_completed_total for audit-events/audit-writer has
 *    counted them all. Baseline: the same number of fully formed audit_log rows of the same events
 *    (canonical bytes and hashes computed before the clock starts), BATCH rows per INSERT, as the
 *    superuser: the ledger's own write. Also the capture service called directly, BATCH events
 *    per transaction with CONSUMER_CONCURRENCY in flight as the handler runs them, which separates
 *    the broker's cost from the ledger's. The logs and the inbox are emptied before every run.
 * 2. Verification: one tenant's log of VERIFIED entries, built here with the ledger's functions
 *    exactly as the capture service writes them (canonicalEntryOf, RFC 8785 bytes, leaf and chain
 *    hashes, BATCH entries per recorded_at), inserted as the superuser with its head and Merkle
 *    frontier, vacuumed and analyzed, and a checkpoint signed over it (POST /v1/audit/checkpoints).
 *    Then GET /v1/audit/verify for that log, which must answer intact with every entry checked and
 *    the checkpoint matching. Baseline: a plain scan of the same rows as the application role,
 *    same columns, same pages of PAGE_SIZE in sequence order, each page in a transaction in the
 *    tenant's context, SHA-256 over each row's canonical bytes. The goal is ≥ GOAL × the baseline's
 *    entries/s. Then the service's verification once more, called in-process with a reader that
 *    clocks its own calls, which splits the fetch (queries and row decoding) from the verification
 *    proper (chain, leaf hashes, columns against canonical bytes, Merkle root): the CPU time of the
 *    latter is the figure of the goal "a 1,000,000-entry tenant verifies in under CPU_GOAL_S s on
 *    one core, excluding the fetch".
 *
 * Progress is read from audit-writer's metrics, never by counting rows while the measured work runs.
 * Run: node -r @swc-node/register bench/audit.bench.ts   (fills a million entries: several minutes)
 */
import 'reflect-metadata';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { ModuleRef } from '@nestjs/core';
import { PLATFORM_TOPOLOGY, type AuditCheckpointsCreated, type AuditEventV1, type AuditVerification } from '@comply/contracts';
import { emulatorTopology, startEmulatorProcess } from '@comply/servicebus-emulator';
import { describeBlobSource, describePostgres, resolveBlobStorage, TEST_BLOB_CONNECTION_STRING_VARIABLE } from '@comply/testing';
import { Client } from 'pg';
import type { AuditDatabase, AuditTransaction } from '../apps/audit-writer/src/database/audit-database';
import type { AuditLogRow } from '../apps/audit-writer/src/database/schema';
import { canonicalEntryOf } from '../apps/audit-writer/src/entries/audit-entry';
import { canonicalBytes } from '../apps/audit-writer/src/ledger/canonical-json';
import { entryHash, GENESIS_PREV_HASH } from '../apps/audit-writer/src/ledger/hash-chain';
import { MerkleAccumulator } from '../apps/audit-writer/src/ledger/merkle-accumulator';
import { leafHash } from '../apps/audit-writer/src/ledger/merkle-tree';
import { AuditLogReaderRepository } from '../apps/audit-writer/src/log-access/audit-log-reader.repository';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../apps/audit-writer/src/testing/audit-writer-test-app';
import { ArchivedBoundaryRepository } from '../apps/audit-writer/src/verification/archived-boundary.repository';
import { LATEST_CHECKPOINT_SOURCE, LatestCheckpointSource } from '../apps/audit-writer/src/verification/latest-checkpoint-source';
import { LogVerificationService } from '../apps/audit-writer/src/verification/log-verification.service';
import { closeTestApp, useTestPostgres } from './bench-infrastructure';
import { chunks, Cleanup, median, runBenchmark } from './bench-support';
import { auditEventBody, producedMessageId, startBusProducer } from './producer-process';

const ROUNDS = 3;
const EVENTS = 20_000;
const TENANTS = 50;
/** The handler's batch size (AuditEventHandler), the producer's messages per send and the baseline's rows per INSERT. */
const BATCH = 500;
/** The consumer's default: batches in flight per subscription. */
const CONSUMER_CONCURRENCY = 4;
const VERIFIED = 1_000_000;
/** LogVerificationService's rows per read. */
const PAGE_SIZE = 5_000;
/** Entries per INSERT while filling the verified log. */
const FILL_CHUNK = 5_000;
const GOAL = 0.5;
const CPU_GOAL_S = 10;
const SUBSCRIPTION = 'audit-events/audit-writer';
const RUN_TIMEOUT_MS = 180_000;

/** The columns of audit_log, in the order AuditAppendRepository writes them and the reader selects them. */
const COLUMNS = [
  'log_id',
  'sequence',
  'tenant_id',
  'occurred_at',
  'recorded_at',
  'event_id',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'correlation_id',
  'service',
  'host',
  'source_ip',
  'user_agent',
  'details',
  'canonical',
  'leaf_hash',
  'prev_hash',
  'hash',
] as const;
const COLUMN_TYPES = [
  'text',
  'bigint',
  'text',
  'timestamptz',
  'timestamptz',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'jsonb',
  'bytea',
  'bytea',
  'bytea',
  'bytea',
] as const;

function rate(count: number, started: number): number {
  return count / ((performance.now() - started) / 1000);
}

function cpuMicros(since?: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/**
 * One log's chain as the capture service extends it: each event becomes its canonical entry at the
 * next sequence, hashed into the chain and the Merkle tree, as an audit_log row (values in COLUMNS order).
 */
class LedgerLog {
  private prevHash: Buffer = GENESIS_PREV_HASH;
  readonly tree = new MerkleAccumulator();

  constructor(readonly logId: string) {}

  get headHash(): Buffer {
    return this.prevHash;
  }

  append(event: AuditEventV1, eventId: string, recordedAt: Date): unknown[] {
    const entry = canonicalEntryOf(event, eventId, this.logId, this.tree.size + 1, recordedAt);
    const canonical = canonicalBytes(entry);
    const leaf = leafHash(canonical);
    const hash = entryHash(this.prevHash, canonical);
    const row = [
      entry.log,
      entry.sequence,
      entry.tenantId ?? null,
      entry.occurredAt,
      entry.recordedAt,
      entry.eventId,
      entry.actor.type,
      entry.actor.id,
      entry.action,
      entry.resource.type,
      entry.resource.id ?? null,
      entry.outcome,
      entry.correlationId,
      entry.source.service,
      entry.source.host ?? null,
      entry.source.ip ?? null,
      entry.source.userAgent ?? null,
      entry.details === undefined ? null : JSON.stringify(entry.details),
      canonical,
      leaf,
      this.prevHash,
      hash,
    ];
    this.tree.add(leaf);
    this.prevHash = hash;
    return row;
  }
}

interface AppendRound {
  seed: string;
  /** Message i is of tenants[i % TENANTS], as the producer sends it. */
  events: Array<{ messageId: string; payload: AuditEventV1 }>;
  /** The audit_log rows of the same events, as the capture service would write them into empty logs. */
  rows: unknown[][];
}

function appendRound(tenants: string[]): AppendRound {
  const seed = randomUUID();
  const events = Array.from({ length: EVENTS }, (_, i) => ({ messageId: producedMessageId(seed, i), payload: auditEventBody(tenants[i % tenants.length], i) }));
  const logs = new Map(tenants.map((tenantId) => [tenantId, new LedgerLog(tenantId)]));
  const rows: unknown[][] = [];
  for (const batch of chunks(events, BATCH)) {
    const recordedAt = new Date();
    for (const { messageId, payload } of batch) rows.push((logs.get(payload.tenantId as string) as LedgerLog).append(payload, messageId, recordedAt));
  }
  return { seed, events, rows };
}

/** Empties the logs and the inbox, as the superuser with the append-only triggers off. */
async function reset(admin: Client): Promise<void> {
  await admin.query('begin');
  await admin.query('set local session_replication_role = replica');
  await admin.query('truncate audit_log, audit_logs, messaging_inbox');
  await admin.query('commit');
}

/** The rows stored and, unless the run wrote rows only, the logs' total size, once a run is over: every event appended once. */
async function expectAppended(admin: Client, what: string, rowsOnly = false): Promise<void> {
  const { rows } = await admin.query<{ size: number; entries: number }>(
    'select (select coalesce(sum(size), 0)::int from audit_logs) as size, (select count(*)::int from audit_log) as entries',
  );
  const [{ size, entries }] = rows;
  if (entries !== EVENTS || (!rowsOnly && size !== EVENTS)) throw new Error(`${what}: ${entries} entries and heads of ${size} in all, not ${EVENTS}`);
}

async function rawInsertThroughput(admin: Client, rows: unknown[][]): Promise<number> {
  const width = COLUMNS.length;
  const started = performance.now();
  for (const batch of chunks(rows, BATCH)) {
    const tuples = batch.map((_, row) => `(${COLUMNS.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
    await admin.query(`insert into audit_log (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`, batch.flat());
  }
  return rate(rows.length, started);
}

/** Messages audit-writer has completed on audit-events, from its own metrics: no database involved. */
async function completedAudit(app: AuditWriterTestApp): Promise<number> {
  const metric = app.service.runtime.metrics.registry.getSingleMetric('messaging_completed_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((value) => value.labels.subscription === SUBSCRIPTION).reduce((sum, value) => sum + value.value, 0);
}

/** From the producer's first send until audit-writer has completed (so committed) every message. */
async function busAppendThroughput(app: AuditWriterTestApp, connectionString: string, seed: string, tenants: string[]): Promise<number> {
  const producer = await startBusProducer({ connectionString, type: 'audit.event.v1', count: EVENTS, batch: BATCH, seed, tenants });
  const before = await completedAudit(app);
  const started = performance.now();
  producer.go();
  while ((await completedAudit(app)) - before < EVENTS) {
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`audit-writer did not append ${EVENTS} events within ${RUN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const throughput = rate(EVENTS, started);
  if ((await producer.exited) !== 0) throw new Error('the producer failed');
  return throughput;
}

/** The capture service without the broker: BATCH events per transaction, CONSUMER_CONCURRENCY transactions in flight. */
async function directAppendThroughput(app: AuditWriterTestApp, round: AppendRound): Promise<number> {
  const batches = chunks(
    round.events.map(({ messageId, payload }) => incomingAudit(payload.tenantId, payload, messageId)),
    BATCH,
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONSUMER_CONCURRENCY }, async () => {
      while (next < batches.length) await app.append(batches[next++]);
    }),
  );
  return rate(EVENTS, started);
}

/**
 * VERIFIED entries of one log, built as the capture service builds them, BATCH per recorded_at;
 * the next chunk is built while the last one is inserted. Then the head with its Merkle frontier.
 */
async function fillLog(admin: Client, logId: string): Promise<{ seconds: number; canonicalBytes: number }> {
  const started = performance.now();
  const log = new LedgerLog(logId);
  const seed = randomUUID();
  const insert = `insert into audit_log (${COLUMNS.join(', ')}) select * from unnest(${COLUMN_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
  let pending: Promise<unknown> = Promise.resolve();
  let bytes = 0;
  let recordedAt = new Date();
  for (let start = 0; start < VERIFIED; start += FILL_CHUNK) {
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (let i = start; i < Math.min(VERIFIED, start + FILL_CHUNK); i++) {
      if (i % BATCH === 0) recordedAt = new Date(Math.max(Date.now(), recordedAt.getTime() + 1));
      const row = log.append(auditEventBody(logId, i), producedMessageId(seed, i), recordedAt);
      row.forEach((value, column) => columns[column].push(value));
      bytes += (row[18] as Buffer).length;
    }
    await pending;
    pending = admin.query(insert, columns);
  }
  await pending;
  await admin.query(
    `insert into audit_logs (log_id, tenant_id, size, head_hash, frontier, updated_at) values ($1, $1, $2, $3, $4, $5)`,
    [logId, VERIFIED, log.headHash, log.tree.frontier(), recordedAt],
  );
  // As a long-lived log's partition is: statistics current, visibility map set.
  await admin.query('vacuum analyze audit_log');
  return { seconds: (performance.now() - started) / 1000, canonicalBytes: bytes / VERIFIED };
}

interface Timed {
  seconds: number;
  /** This process's CPU time (all its threads), s. */
  cpuSeconds: number;
}

/** The baseline: the same rows, pages and tenant context, as the application role; SHA-256 over each canonical. */
async function plainScan(appDb: Client, logId: string): Promise<Timed> {
  const query = `select ${COLUMNS.join(', ')} from audit_log where log_id = $1 and sequence > $2 and sequence <= $3 order by sequence limit ${PAGE_SIZE}`;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let after = 0;
  let hashed = 0;
  while (after < VERIFIED) {
    await appDb.query('begin');
    await appDb.query(`select set_config('app.tenant_id', $1, true)`, [logId]);
    const { rows } = await appDb.query<{ sequence: string; canonical: Buffer }>(query, [logId, after, VERIFIED]);
    await appDb.query('commit');
    if (rows.length === 0) break;
    for (const row of rows) {
      createHash('sha256').update(row.canonical).digest();
      hashed++;
    }
    after = Number(rows[rows.length - 1].sequence);
  }
  if (hashed !== VERIFIED) throw new Error(`the scan read ${hashed} entries, not ${VERIFIED}`);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuMicros(cpu) / 1e6 };
}

function expectIntact(verification: AuditVerification, how: string): void {
  if (!verification.intact || verification.entriesChecked !== VERIFIED || verification.checkpoint?.matches !== true) {
    throw new Error(`${how} did not find the log intact with ${VERIFIED} entries and a matching checkpoint: ${JSON.stringify(verification)}`);
  }
}

async function httpVerify(app: AuditWriterTestApp, logId: string): Promise<Timed> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response = await app.admin<AuditVerification>('GET', `/v1/audit/verify?log=${encodeURIComponent(logId)}`);
  const timed = { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuMicros(cpu) / 1e6 };
  if (response.status !== 200) throw new Error(`GET /v1/audit/verify answered ${response.status}: ${JSON.stringify(response.body)}`);
  expectIntact(response.body, 'GET /v1/audit/verify');
  return timed;
}

/** The service's reader, clocking the time and CPU spent in its calls: the fetch. */
class ClockedReader extends AuditLogReaderRepository {
  fetch: Timed = { seconds: 0, cpuSeconds: 0 };

  private async clocked<T>(read: () => Promise<T>): Promise<T> {
    const cpu = process.cpuUsage();
    const started = performance.now();
    try {
      return await read();
    } finally {
      this.fetch.seconds += (performance.now() - started) / 1000;
      this.fetch.cpuSeconds += cpuMicros(cpu) / 1e6;
    }
  }

  override extent(tx: AuditTransaction, logId: string) {
    return this.clocked(() => super.extent(tx, logId));
  }

  override range(tx: AuditTransaction, logId: string, afterSequence: number, lastSequence: number, limit: number): Promise<AuditLogRow[]> {
    return this.clocked(() => super.range(tx, logId, afterSequence, lastSequence, limit));
  }
}

interface SplitVerification {
  total: Timed;
  fetch: Timed;
  /** The rest: verification proper (and the page transactions' begin and commit). */
  verify: Timed;
}

/** LogVerificationService as the route runs it, on the service's database and checkpoints, with a clocked reader. */
async function splitVerify(app: AuditWriterTestApp, logId: string): Promise<SplitVerification> {
  const reader = new ClockedReader();
  const service = new LogVerificationService(
    app.service.runtime.database as AuditDatabase,
    reader,
    app.service.app.get<symbol, LatestCheckpointSource>(LATEST_CHECKPOINT_SOURCE),
    app.service.app.get(ArchivedBoundaryRepository),
    app.service.app.get(ModuleRef),
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  const verification = await service.verify(logId);
  const total = { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuMicros(cpu) / 1e6 };
  expectIntact(verification, 'LogVerificationService.verify');
  return {
    total,
    fetch: reader.fetch,
    verify: { seconds: total.seconds - reader.fetch.seconds, cpuSeconds: total.cpuSeconds - reader.fetch.cpuSeconds },
  };
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const loadAtStart = loadavg();
  const postgres = await useTestPostgres(cleanups);
  const blob = await resolveBlobStorage();
  cleanups.push(() => blob.stop());
  process.env[TEST_BLOB_CONNECTION_STRING_VARIABLE] = blob.connectionString;
  const emulator = await startEmulatorProcess(emulatorTopology(PLATFORM_TOPOLOGY));
  cleanups.push(() => emulator.stop());
  const app = await startAuditWriterTestApp({
    messaging: true,
    serviceBusConnectionString: emulator.connectionString,
    env: { CONSUMER_CONCURRENCY: String(CONSUMER_CONCURRENCY) },
  });
  cleanups.push(() => closeTestApp(app, postgres.adminUrl));
  await app.service.runtime.messaging?.relay.stop();
  const admin = new Client({ connectionString: app.database.adminUrl });
  await admin.connect();
  cleanups.push(() => admin.end());
  const appDb = new Client({ connectionString: app.database.appUrl });
  await appDb.connect();
  cleanups.push(() => appDb.end());

  const run = randomBytes(4).toString('hex');
  const tenants = Array.from({ length: TENANTS }, (_, i) => `bench-${run}-t${i}`);
  const append = { raw: [] as number[], bus: [] as number[], direct: [] as number[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const prepared = appendRound(tenants);
    await reset(admin);
    const raw = await rawInsertThroughput(admin, prepared.rows);
    await expectAppended(admin, 'raw INSERT', true);
    await reset(admin);
    const bus = await busAppendThroughput(app, emulator.connectionString, prepared.seed, tenants);
    await expectAppended(admin, 'audit-events');
    await reset(admin);
    const direct = await directAppendThroughput(app, prepared);
    await expectAppended(admin, 'capture service');
    // Round 0 is the warm-up.
    if (round > 0) {
      append.raw.push(raw);
      append.bus.push(bus);
      append.direct.push(direct);
    }
  }
  await reset(admin);

  const logId = `bench-${run}-verified`;
  const fill = await fillLog(admin, logId);
  const signed = await app.admin<AuditCheckpointsCreated>('POST', `/v1/audit/checkpoints?log=${encodeURIComponent(logId)}`);
  if (signed.status !== 200 || signed.body.checkpoints[0]?.treeSize !== VERIFIED) throw new Error(`no checkpoint at ${VERIFIED}: ${signed.status} ${JSON.stringify(signed.body)}`);
  const verification = { scan: [] as Timed[], http: [] as Timed[], split: [] as SplitVerification[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const scan = await plainScan(appDb, logId);
    const http = await httpVerify(app, logId);
    const split = await splitVerify(app, logId);
    if (round > 0) {
      verification.scan.push(scan);
      verification.http.push(http);
      verification.split.push(split);
    }
  }

  const rawRate = median(append.raw);
  const busRate = median(append.bus);
  const directRate = median(append.direct);
  const scanSeconds = median(verification.scan.map((t) => t.seconds));
  const httpSeconds = median(verification.http.map((t) => t.seconds));
  const verifyCpu = median(verification.split.map((s) => s.verify.cpuSeconds));
  const met = (ok: boolean) => (ok ? 'met' : 'missed');
  const labels = {
    raw: `raw INSERT of the audit_log rows, ${BATCH} per statement, superuser (baseline)`,
    bus: 'audit-events → audit-writer batch handler, until completed',
    direct: `capture service in-process, ${BATCH} per transaction, ${CONSUMER_CONCURRENCY} in flight`,
    scan: `plain scan as audit_app, pages of ${PAGE_SIZE}, SHA-256 of canonical (baseline)`,
    http: 'GET /v1/audit/verify (chain, leaves, columns, checkpoint root)',
  };
  const width = Math.max(...Object.values(labels).map((l) => l.length));
  const eventsRow = (label: string, value: number) => `${label.padEnd(width)} ${value.toFixed(0).padStart(8)} events/s`;
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;
  const secondsRow = (label: string, seconds: number) => `${label.padEnd(width)} ${seconds.toFixed(1).padStart(6)} s ${(VERIFIED / seconds).toFixed(0).padStart(8)} entries/s`;
  const split = (pick: (s: SplitVerification) => Timed) => {
    const runs = verification.split.map(pick);
    return `${median(runs.map((t) => t.seconds)).toFixed(1)} s wall, ${median(runs.map((t) => t.cpuSeconds)).toFixed(1)} s CPU`;
  };
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  process.stdout.write(
    [
      `PostgreSQL: ${describePostgres(postgres)}; blob storage: ${describeBlobSource(blob)}; audit-writer in this process, the emulator and the bus producer in their own; loopback`,
      `load average (1, 5, 15 min): ${load(loadAtStart)} at start, ${load(loadavg())} at the end`,
      '',
      `append: ${EVENTS} audit.event.v1 of ${TENANTS} tenants per run, ${BATCH} per batch, per send and per INSERT, median of ${ROUNDS} runs after a warm-up`,
      eventsRow(labels.raw, rawRate),
      `${eventsRow(labels.bus, busRate)}   ${ratio(busRate, rawRate)} raw INSERT (goal ≥ ${GOAL.toFixed(2)}×: ${met(busRate / rawRate >= GOAL)})`,
      `${eventsRow(labels.direct, directRate)}   ${ratio(directRate, rawRate)} raw INSERT`,
      '',
      `verification: one log of ${VERIFIED} entries (canonical ${fill.canonicalBytes.toFixed(0)} bytes on average; built and stored in ${fill.seconds.toFixed(0)} s), ` +
        `checkpoint at ${VERIFIED}, median of ${ROUNDS} runs after a warm-up`,
      secondsRow(labels.scan, scanSeconds),
      `${secondsRow(labels.http, httpSeconds)}   ${ratio(scanSeconds, httpSeconds)} the scan (goal ≥ ${GOAL.toFixed(2)}×: ${met(scanSeconds / httpSeconds >= GOAL)})`,
      `  this process's CPU: scan ${median(verification.scan.map((t) => t.cpuSeconds)).toFixed(1)} s, GET /v1/audit/verify ${median(verification.http.map((t) => t.cpuSeconds)).toFixed(1)} s`,
      `  LogVerificationService.verify in-process: ${split((s) => s.total)}; fetch (reader: queries, row decoding) ${split((s) => s.fetch)}; ` +
        `verification ${split((s) => s.verify)}`,
      `  verification CPU excluding the fetch: ${verifyCpu.toFixed(1)} s, ${((verifyCpu / VERIFIED) * 1e6).toFixed(1)} µs per entry (goal < ${CPU_GOAL_S} s: ${met(verifyCpu < CPU_GOAL_S)})`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
