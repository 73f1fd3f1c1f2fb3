/*
 * Whether core-store's cost grows with what it holds: HTTP ingest (records/s) and GET
 * /v1/records/:id latency (p50, p99, cache misses) with SMALL records stored, then again after a
 * filler tenant has LARGE records (and their ledger keys) in the same table, printed with the
 * ratios. Ids are UUIDv7 in monthly partitions and every query leads with the tenant, so the
 * ratios should stay near 1.
 * Run: node -r @swc-node/register bench/core-store-scale.bench.ts
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { describePostgres } from '@comply/testing';
import { Client } from 'pg';
import { startCoreStoreTestApp, CoreStoreTestApp, TestTenant } from '../apps/core-store/src/testing/core-store-test-app';
import { useTestAppInfrastructure } from './bench-infrastructure';
import { Cleanup, median, runBenchmark } from './bench-support';
import { httpIngestThroughput, Latencies, postAll, readLatencies, submissions } from './core-store-workload';

const SMALL = 20_000;
const LARGE = 1_000_000;
const FILL_CHUNK = 100_000;
const INGEST_RECORDS = 10_000;
const READS = 2_000;
const ROUNDS = 3;

interface Figures {
  ingest: number;
  read: Latencies;
}

/**
 * Adds `count` records of `tenantId` (with their ledger keys) straight in SQL, shaped like
 * ingest's: labels and their paths, scores, metadata, a ciphertext-sized source_data.
 */
async function fill(admin: Client, tenantId: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += FILL_CHUNK) {
    const size = Math.min(FILL_CHUNK, count - done);
    await admin.query(
      `with ids as (
         select n, (lpad(to_hex((extract(epoch from now()) * 1000)::bigint), 12, '0') || '7' || substr(md5(n::text || $2), 1, 3) || '8' ||
                    substr(md5(n::text || $2), 4, 15))::uuid as id
           from generate_series(1, $1) as n
       ), keys as (
         insert into storage_record_keys (tenant_id, request_id, record_id, expires_at)
         select $3, 'fill-' || $2 || '-' || n, id, now() + interval '365 days' from ids
       )
       insert into storage_records (id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version, taxonomy,
                                    taxonomy_paths, scores, confidence, latency_ms, metadata, provenance, source_data, correlation_id,
                                    occurred_at, expires_at, created_at)
       select id, $3, 'fill-' || $2 || '-' || n, 'presidio', 'pii', '2.2.355', 'mapper-2026.11',
              array['PII.Identifier.SSN', 'PII.Person.Name'], array['PII', 'PII.Identifier', 'PII.Identifier.SSN', 'PII.Person', 'PII.Person.Name'],
              '{"PII.Identifier.SSN": 0.99, "PII.Person.Name": 0.87}', (n % 100) / 100.0, 12.5, jsonb_build_object('pipeline', 'fill', 'n', n), null,
              'v1.fill.' || repeat(md5(n::text), 8), 'fill-' || n, now(), now() + interval '365 days', now()
         from ids`,
      [size, `${done}-${randomBytes(3).toString('hex')}`, tenantId],
    );
  }
  await admin.query('analyze storage_records, storage_record_keys');
}

/**
 * HTTP ingest of INGEST_RECORDS new records, and reads of records never read before (misses).
 * Statistics are refreshed before the reads, as autovacuum does after a tenth of a table has
 * changed: on stale statistics a newly grown tenant looks empty, and the planner may then read
 * its records through a tenant index instead of by primary key.
 */
async function measure(app: CoreStoreTestApp, admin: Client, writer: TestTenant, reader: TestTenant, readKey: string): Promise<Figures> {
  const ingest: number[] = [];
  const reads: Latencies[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const { throughput: rate } = await httpIngestThroughput(app, writer, INGEST_RECORDS);
    const ids = await postAll(app, reader.key, submissions(READS));
    await admin.query('analyze storage_records');
    const latency = await readLatencies(app, readKey, ids, 'miss');
    // Round 0 is the warm-up.
    if (round > 0) {
      ingest.push(rate);
      reads.push(latency);
    }
  }
  return { ingest: median(ingest), read: { p50: median(reads.map((r) => r.p50)), p99: median(reads.map((r) => r.p99)) } };
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const { postgres, redis } = await useTestAppInfrastructure(cleanups);

  const app = await startCoreStoreTestApp({ messaging: false });
  cleanups.push(() => app.close());
  const admin = new Client({ connectionString: app.database.adminUrl });
  await admin.connect();
  cleanups.push(() => admin.end());
  const run = randomBytes(4).toString('hex');
  const [filler, writer, reader] = await Promise.all(['fill', 'write', 'read'].map((role) => app.createTenant(`scale-${role}-${run}`)));
  const readKey = await reader.keyWith(['read']);

  await fill(admin, filler.id, SMALL);
  // A whole pass first, so that the small table is not also the cold process.
  await measure(app, admin, writer, reader, readKey);
  const small = await measure(app, admin, writer, reader, readKey);
  const fillStarted = performance.now();
  await fill(admin, filler.id, LARGE - SMALL);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const large = await measure(app, admin, writer, reader, readKey);
  const [stored] = (await admin.query<{ n: number }>('select count(*)::int as n from storage_records')).rows;
  const [{ autovacuum }] = (await admin.query<{ autovacuum: string }>('show autovacuum')).rows;

  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  process.stdout.write(
    [
      `core-store with ${SMALL.toLocaleString('en')} and with ${LARGE.toLocaleString('en')} records of another tenant stored (filled in ${fillSeconds.toFixed(0)} s; ${stored.n.toLocaleString('en')} rows at the end); medians of ${ROUNDS} rounds after a warm-up`,
      `PostgreSQL: ${describePostgres(postgres)} (autovacuum ${autovacuum}; statistics refreshed before each read pass); Redis: ${redis.source} ${redis.url}`,
      `${'POST /v1/mappings, records/s'.padEnd(34)} ${small.ingest.toFixed(0).padStart(8)} → ${large.ingest.toFixed(0).padStart(8)}   ${ratio(large.ingest, small.ingest)}`,
      `${'GET /v1/records/:id miss, p50 ms'.padEnd(34)} ${small.read.p50.toFixed(2).padStart(8)} → ${large.read.p50.toFixed(2).padStart(8)}   ${ratio(large.read.p50, small.read.p50)}`,
      `${'GET /v1/records/:id miss, p99 ms'.padEnd(34)} ${small.read.p99.toFixed(2).padStart(8)} → ${large.read.p99.toFixed(2).padStart(8)}   ${ratio(large.read.p99, small.read.p99)}`,
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
