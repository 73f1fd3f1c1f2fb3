/*
 * The whole platform under a sustained load: the five services in processes of their own (as the
 * fault suite runs them, tools/platform-checks), the broker in its own process with durable
 * storage, Azurite. First the maximum ingest rate is measured (mapping results flooded onto the bus
 * by a producer in its own process, until core-store has stored them all); then a load at half of
 * it runs for SOAK_DURATION_S (default 600), with HTTP ingest and dashboards reading alongside.
 *
 * Printed: the rate achieved against the rate asked for; p50/p99 from publish to stored (core-store),
 * to metered (billing's inbox) and to audited (audit-writer's entry); each service's memory (RSS)
 * every 10 s, with the growth from the second minute to the last as a ratio against the stated
 * bound; outbox pending rows and lag, sampled with the memory. Latencies are read from the
 * databases once the load has drained, so nothing counts rows while the measured work runs.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { SERVICE_NAMES, type ServiceName } from '@comply/config';
import { withAdmin } from '@comply/testing';
import { startDashboardReads } from '../tools/platform-checks/src/faults/dashboard-reads';
import { arrangeLoadTenants, startFaultPlatform, type FaultPlatform } from '../tools/platform-checks/src/faults/fault-platform';
import { startLoad } from '../tools/platform-checks/src/faults/mapping-load';
import { waitForDrain } from '../tools/platform-checks/src/faults/reconciliation';
import { usePlatformInfrastructure } from './bench-infrastructure';
import { runBenchmark } from './bench-support';
import { startBusProducer } from './producer-process';

const seconds = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${process.env[name]}`);
  return value * 1000;
};

const SOAK_MS = seconds('SOAK_DURATION_S', 600);
const SAMPLE_MS = 10_000;
/** Mapping results flooded onto the bus to measure the maximum ingest rate. */
const CALIBRATION_COUNT = Number(process.env.SOAK_CALIBRATION_COUNT ?? 10_000);
const TENANTS = 4;
const HTTP_RATE_PER_SECOND = 10;
/** Memory may grow by this much from the second minute (warm) to the last before it counts as growth. */
const MEMORY_GROWTH_BOUND = 1.25;
const LOCK_DURATION_MS = 60_000;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A counter's total over all its series, read from a service's /metrics. */
async function metricTotal(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).some(([key, value]) => !line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Records/s core-store stores when mapping results arrive as fast as a producer can send them. */
async function maximumIngestRate(platform: FaultPlatform, tenants: string[]): Promise<number> {
  const core = platform.urls['core-store'];
  const stored = () => metricTotal(core, 'core_records_ingested_total', { channel: 'bus', status: 'stored' });
  const producer = await startBusProducer({ connectionString: platform.broker.connectionString, type: 'mapping.result.v1', count: CALIBRATION_COUNT, batch: 200, seed: `soak-${Date.now()}`, tenants });
  const before = await stored();
  const started = performance.now();
  producer.go();
  while ((await stored()) < before + CALIBRATION_COUNT) {
    if (performance.now() - started > 300_000) throw new Error('calibration: core-store did not store the flood within 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const rate = CALIBRATION_COUNT / ((performance.now() - started) / 1000);
  await producer.sent;
  if ((await producer.exited) !== 0) throw new Error('the calibration producer failed');
  return rate;
}

interface Sample {
  atS: number;
  rssMb: Record<ServiceName, number>;
  outboxPending: Record<ServiceName, number>;
  outboxLagS: Record<ServiceName, number>;
}

async function sample(platform: FaultPlatform, startedAt: number): Promise<Sample> {
  const entry = (values: number[]) => Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, values[i]])) as Record<ServiceName, number>;
  const [pending, lag] = await Promise.all([
    Promise.all(SERVICE_NAMES.map((name) => metricTotal(platform.urls[name], 'outbox_pending'))),
    Promise.all(SERVICE_NAMES.map((name) => metricTotal(platform.urls[name], 'outbox_lag_seconds'))),
  ]);
  return {
    atS: Math.round((Date.now() - startedAt) / 1000),
    rssMb: entry(SERVICE_NAMES.map((name) => rssMegabytes(platform.pidOf(name)))),
    outboxPending: entry(pending),
    outboxLagS: entry(lag),
  };
}

/** Per request id, when each step was done (ms since the epoch), read from the databases after the drain. */
async function completionTimes(platform: FaultPlatform, tenantIds: string[]) {
  const { core, billing, audit } = platform.databases;
  const stored = new Map<string, { at: number; recordId: string; messageId?: string }>();
  await withAdmin(core.adminUrl, async (client) => {
    const records = await client.query<{ request_id: string; id: string; at: number }>(
      'select request_id, id, extract(epoch from created_at) * 1000 as at from storage_records where tenant_id = any($1)',
      [tenantIds],
    );
    for (const row of records.rows) stored.set(row.request_id, { at: Number(row.at), recordId: row.id });
    const events = await client.query<{ id: string; request_id: string }>(
      "select id, body ->> 'requestId' as request_id from messaging_outbox where subject = 'record.stored.v1' and tenant_id = any($1)",
      [tenantIds],
    );
    for (const row of events.rows) {
      const record = stored.get(row.request_id);
      if (record) record.messageId = row.id;
    }
  });
  const metered = await withAdmin(billing.adminUrl, async (client) => {
    const rows = await client.query<{ message_id: string; at: number }>(
      "select message_id, extract(epoch from processed_at) * 1000 as at from messaging_inbox where subscription = 'core-events/billing'",
    );
    return new Map(rows.rows.map((row) => [row.message_id, Number(row.at)]));
  });
  const audited = await withAdmin(audit.adminUrl, async (client) => {
    const rows = await client.query<{ record_id: string; at: number }>(
      `select id as record_id, extract(epoch from recorded_at) * 1000 as at
         from audit_log, jsonb_array_elements_text(coalesce(details -> 'recordIds', '[]'::jsonb)) as id
        where action = 'record.create' and tenant_id = any($1)`,
      [tenantIds],
    );
    return new Map(rows.rows.map((row) => [row.record_id, Number(row.at)]));
  });
  return { stored, metered, audited };
}

runBenchmark(async (cleanups) => {
  await usePlatformInfrastructure(cleanups);
  const platform = await startFaultPlatform({ lockDurationMs: LOCK_DURATION_MS });
  cleanups.push(() => platform.stop());
  const tenants = await arrangeLoadTenants(platform, TENANTS);
  const tenantIds = tenants.map((tenant) => tenant.id);

  const maximum = await maximumIngestRate(platform, tenantIds);
  const busRate = Math.max(1, Math.round(maximum / 2) - HTTP_RATE_PER_SECOND);
  say(`maximum ingest rate (bus, ${CALIBRATION_COUNT} mapping results flooded): ${maximum.toFixed(0)} records/s`);
  say(`soak: ${SOAK_MS / 1000} s at ${busRate + HTTP_RATE_PER_SECOND} records/s (half the maximum): ${busRate}/s on the bus, ${HTTP_RATE_PER_SECOND}/s over HTTP`);
  // The calibration's mapping results are not tracked one by one: drained when the downstream counts catch up.
  await waitForDrain(platform, tenantIds, new Map(), { quietMs: 10_000, timeoutMs: 300_000 });

  const dashboards = startDashboardReads(platform.urls['analytics-ingest'], tenants, 1_000);
  const load = startLoad(platform.broker.connectionString, platform.urls['core-store'], { tenants, busRatePerSecond: busRate, httpRatePerSecond: HTTP_RATE_PER_SECOND, settleMs: 60_000 });
  const startedAt = Date.now();
  const samples: Sample[] = [];
  while (Date.now() - startedAt < SOAK_MS) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    samples.push(await sample(platform, startedAt));
  }
  await Promise.all([load.stop(), dashboards.stop()]);
  const published = new Map([...load.bus.sentAt, ...load.http.sentAt]);
  const publishedCount = load.bus.published.size + load.http.published.size;
  const achieved = publishedCount / (SOAK_MS / 1000);
  await waitForDrain(platform, tenantIds, new Map([...load.bus.published, ...load.http.published]), { quietMs: 20_000, timeoutMs: 600_000 });

  const { stored, metered, audited } = await completionTimes(platform, tenantIds);
  const latencies = { stored: [] as number[], metered: [] as number[], audited: [] as number[] };
  for (const [requestId, sentAt] of published) {
    const record = stored.get(requestId);
    if (!record) continue;
    latencies.stored.push(record.at - sentAt);
    const meteredAt = record.messageId ? metered.get(record.messageId) : undefined;
    if (meteredAt !== undefined) latencies.metered.push(meteredAt - sentAt);
    const auditedAt = audited.get(record.recordId);
    if (auditedAt !== undefined) latencies.audited.push(auditedAt - sentAt);
  }

  say('');
  say(`published ${publishedCount} (${load.bus.published.size} bus, ${load.http.published.size} HTTP; ${load.bus.retries + load.http.retries} retried), refused ${load.bus.refused.length + load.http.refused.length}`);
  say(`rate achieved: ${achieved.toFixed(0)} records/s = ${(achieved / (busRate + HTTP_RATE_PER_SECOND)).toFixed(2)}× the rate asked for`);
  say(`dashboards: ${dashboards.tally.answered} reports answered, ${dashboards.tally.unavailable} unavailable, ${dashboards.tally.wrong.length} wrong`);
  say('');
  say('| from publish to | measured | p50 | p99 | max |');
  say('|---|---|---|---|---|');
  for (const [step, values] of Object.entries(latencies)) {
    say(`| ${step} | ${values.length} of ${published.size} | ${percentile(values, 50).toFixed(0)} ms | ${percentile(values, 99).toFixed(0)} ms | ${percentile(values, 100).toFixed(0)} ms |`);
  }

  say('');
  say(`| s | ${SERVICE_NAMES.map((name) => `${name} RSS MB`).join(' | ')} | outbox pending (all) | outbox lag max s |`);
  say(`|---|${SERVICE_NAMES.map(() => '---').join('|')}|---|---|`);
  for (const s of samples) {
    const pending = SERVICE_NAMES.reduce((sum, name) => sum + s.outboxPending[name], 0);
    const lag = Math.max(...SERVICE_NAMES.map((name) => s.outboxLagS[name]));
    say(`| ${s.atS} | ${SERVICE_NAMES.map((name) => s.rssMb[name].toFixed(0)).join(' | ')} | ${pending} | ${lag.toFixed(1)} |`);
  }
  const minuteMean = (from: number, to: number, name: ServiceName) => {
    const window = samples.filter((s) => s.atS > from && s.atS <= to).map((s) => s.rssMb[name]);
    return window.reduce((sum, value) => sum + value, 0) / window.length;
  };
  const last = samples[samples.length - 1].atS;
  say('');
  if (last < 180) {
    say('memory growth: the run is too short for a figure (it compares the last minute with the second; SOAK_DURATION_S ≥ 180)');
    return;
  }
  say(`memory growth, mean RSS of the last minute / of the second minute (bound ${MEMORY_GROWTH_BOUND}×):`);
  for (const name of SERVICE_NAMES) {
    const growth = minuteMean(last - 60, last, name) / minuteMean(60, 120, name);
    say(`  ${name}: ${growth.toFixed(2)}× ${growth <= MEMORY_GROWTH_BOUND ? 'flat' : 'GROWS beyond the bound'}`);
  }
});
