/*
 * What the core-store benchmarks do to the service: post mappings from concurrent HTTP clients
 * (for the timed ingest in a process of their own, as clients are), and read records one at a
 * time, timing each read.
 */
import type { IngestResponse, MappingSubmissionV1 } from '@comply/contracts';
import type { CoreStoreTestApp, TestTenant } from '../apps/core-store/src/testing/core-store-test-app';
import { mappingSubmission } from '../apps/core-store/src/testing/mapping-fixtures';
import { chunks } from './bench-support';
import { cpuPerEvent, CpuPerEvent, cpuSnapshot } from './process-cpu';
import { startHttpSender } from './producer-process';

/** Mappings per HTTP request: the bus handler's batch size too. */
export const BATCH = 200;
export const HTTP_CLIENTS = 4;

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export function rate(count: number, started: number): number {
  return count / ((performance.now() - started) / 1000);
}

/** Posts every batch from this process, HTTP_CLIENTS requests in flight; returns the record ids in the order submitted. */
export async function postAll(app: CoreStoreTestApp, key: string, batches: MappingSubmissionV1[][]): Promise<string[]> {
  const ids: string[][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: HTTP_CLIENTS }, async () => {
      while (next < batches.length) {
        const index = next++;
        const response = await app.request<IngestResponse>('POST', '/v1/mappings', { body: batches[index], token: key });
        if (response.status !== 202) throw new Error(`POST /v1/mappings answered ${response.status}: ${JSON.stringify(response.body)}`);
        ids[index] = response.body.records.map((record) => record.recordId);
      }
    }),
  );
  return ids.flat();
}

export function submissions(count: number): MappingSubmissionV1[][] {
  return chunks(
    Array.from({ length: count }, () => mappingSubmission()),
    BATCH,
  );
}

export interface IngestRun {
  throughput: number;
  /** Per record; `producer` is the HTTP clients' process. */
  cpu: CpuPerEvent;
}

/**
 * From the first POST until every batch of `records` new mappings is answered 202 (stored), sent
 * by http-sender.ts with HTTP_CLIENTS requests in flight; then, off the clock, checks that the
 * tenant gained exactly that many records.
 */
export async function httpIngestThroughput(app: CoreStoreTestApp, tenant: TestTenant, records: number): Promise<IngestRun> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` };
  const requests = submissions(records).map((batch) => ({ body: JSON.stringify(batch), headers, expect: { status: 202 } }));
  const count = async () => (await app.sql<{ n: number }>('select count(*)::int as n from storage_records where tenant_id = $1', [tenant.id]))[0].n;
  const before = await count();
  const sender = await startHttpSender(`${app.url}/v1/mappings`, requests, HTTP_CLIENTS);
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  sender.go();
  await sender.sent;
  const throughput = rate(records, started);
  const cpu = await cpuPerEvent(cpuBefore, cpuSnapshot(), sender, records);
  const stored = (await count()) - before;
  if (stored !== records) throw new Error(`POST /v1/mappings: ${stored} of ${records} records stored`);
  return { throughput, cpu };
}

export interface Latencies {
  p50: number;
  p99: number;
}

/** One client, one request at a time; every answer must come from where `expected` says. */
export async function readLatencies(app: CoreStoreTestApp, key: string, ids: string[], expected: 'hit' | 'miss'): Promise<Latencies> {
  const timings: number[] = [];
  for (const id of ids) {
    const started = performance.now();
    const response = await app.request('GET', `/v1/records/${id}`, { token: key });
    timings.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`GET /v1/records/:id answered ${response.status}: ${JSON.stringify(response.body)}`);
    const cache = response.headers.get('x-cache');
    if (cache !== expected) throw new Error(`GET /v1/records/:id was a cache ${cache ?? '(no x-cache header)'} where a ${expected} was due`);
  }
  return { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99) };
}

