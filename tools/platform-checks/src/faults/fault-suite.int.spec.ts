import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@comply/config';
import { until, workspaceRoot } from '@comply/testing';
import { injectFaults, type InjectedFault } from './fault-injection';
import { describeFault, faultRunSize, faultSeed, planFaults } from './fault-plan';
import { arrangeLoadTenants, backUpCore, startFaultPlatform, type FaultPlatform, type LoadTenant } from './fault-platform';
import { startDashboardReads } from './dashboard-reads';
import { startLoad } from './mapping-load';
import { startRecordReads } from './record-reads';
import { peekSubscriptions, readCounts, reconcile, reconciliationTable, stripeEventFindings, unauditedRecordTrails, verifyAuditLogs, waitForDrain } from './reconciliation';
import { startStripeWebhooks } from './stripe-webhook-load';

/** `FAULT_DURATION_S` and `FAULT_COUNT` make the full run; unset, the bounded one `npm test` runs. */
const { durationMs: DURATION_MS, count: COUNT } = faultRunSize();
const SEED = faultSeed();
/** Messages a killed consumer held come back after their lock: 10 s here instead of the platform's 60 s. */
const LOCK_DURATION_MS = 10_000;
const ARTIFACTS = join(workspaceRoot(__dirname), '.artifacts', 'faults');
/** Faults run one after the other and a restart takes up to a minute on a loaded machine; then up to 8 min to settle and drain. */
const testTimeoutMs = (faults: number) => DURATION_MS + faults * 60_000 + 15 * 60_000;

const say = (line: string) => process.stdout.write(`[faults] ${line}\n`);

describe(`the platform under faults (FAULT_SEED=${SEED})`, () => {
  const plan = planFaults(SEED, { durationMs: DURATION_MS, count: COUNT });
  let platform: FaultPlatform;
  let tenants: LoadTenant[];

  beforeAll(async () => {
    say(`FAULT_SEED=${SEED}: ${DURATION_MS / 1000} s of load, ${plan.length} fault(s)`);
    for (const fault of plan) say(`  planned ${describeFault(fault)}`);
    platform = await startFaultPlatform({ lockDurationMs: LOCK_DURATION_MS });
    tenants = await arrangeLoadTenants(platform, 2);
  }, 600_000);

  afterAll(async () => {
    if (platform) {
      mkdirSync(ARTIFACTS, { recursive: true });
      for (const service of SERVICE_NAMES) writeFileSync(join(ARTIFACTS, `${service}.log`), platform.outputOf(service));
      writeFileSync(join(ARTIFACTS, 'servicebus-emulator.log'), platform.broker.output());
      await platform.stop();
    }
  }, 120_000);

  it('loses no effect and doubles none: every published mapping stored once, metered, counted, audited, backed up; every accepted Stripe webhook stored once and processed; chains intact; no crash, every service ready again after each fault; no dead letter or unsent row', async () => {
    const dashboards = startDashboardReads(platform.urls['analytics-ingest'], tenants, 250);
    const recordReads = startRecordReads(platform.urls['core-store'], tenants, 250);
    const load = startLoad(platform.broker.connectionString, platform.urls['core-store'], { tenants, busRatePerSecond: 20, httpRatePerSecond: 10, settleMs: 120_000 });
    const webhooks = startStripeWebhooks(platform.urls.billing, platform.stripeWebhookSecret, tenants, 2);
    const startedAt = Date.now();
    let injected: InjectedFault[];
    try {
      injected = await injectFaults(platform, plan, startedAt, say);
      const left = startedAt + DURATION_MS - Date.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    } finally {
      await Promise.all([load.stop(), dashboards.stop(), recordReads.stop(), webhooks.stop(120_000)]);
    }
    say(`dashboards: ${dashboards.tally.answered} reports answered, ${dashboards.tally.unavailable} unavailable during faults, ${dashboards.tally.wrong.length} wrong`);
    say(`record reads: ${recordReads.tally.answered} answered, ${recordReads.tally.unavailable} unavailable during faults, ${recordReads.tally.wrong.length} wrong`);
    say(`Stripe webhooks: ${webhooks.tally.accepted.size} accepted (${webhooks.tally.retries} redeliveries), ${webhooks.tally.unconfirmed.size} unconfirmed`);
    say(`load stopped after ${((Date.now() - startedAt) / 1000).toFixed(1)} s: bus ${load.bus.published.size} published (${load.bus.retries} retried sends), HTTP ${load.http.published.size} answered 202 (${load.http.retries} retries)`);

    const published = new Map([...load.bus.published, ...load.http.published]);
    const unconfirmed = new Map([...load.bus.unconfirmed, ...load.http.unconfirmed]);
    const tenantIds = tenants.map((tenant) => tenant.id);
    const drained = await waitForDrain(platform, tenantIds, published, { quietMs: 90_000, timeoutMs: 360_000 });
    const backupId = await backUpCore(platform);
    say(`backup ${backupId} of core completed`);
    // core-store marks what the backup holds when its backup.completed.v1 arrives.
    await until(
      () => readCounts(platform, tenantIds),
      (counts) => [...counts.tenants.values()].every((c) => c.backedUp === [...c.storedByRequest.values()].reduce((sum, n) => sum + n, 0)),
      { timeoutMs: 90_000, intervalMs: 2_000 },
    );
    // What is left on the subscriptions, the chains and the counts, all read once the backup's marks are in. Messages a
    // stalled consumer held (their effects committed, settlements unanswered) come back when their locks expire and are
    // completed as duplicates; what stays on a subscription for two minutes was never consumed.
    const [left, chains] = await Promise.all([
      until(() => peekSubscriptions(platform.broker.connectionString), (found) => Object.keys(found.unconsumed).length === 0, { timeoutMs: 120_000, intervalMs: 5_000 }),
      verifyAuditLogs(platform, [...tenantIds, 'platform']),
    ]);
    const counts = await readCounts(platform, tenantIds);
    // billing processes stored events in the background, retrying what failed during a fault.
    const stripeFindings = await until(() => stripeEventFindings(platform, webhooks.tally.accepted), (found) => found.length === 0, { timeoutMs: 120_000, intervalMs: 2_000 });
    const result = reconcile(published, unconfirmed, counts, chains, left);
    const table = reconciliationTable(SEED, result);
    const auditTrails = result.tenants.some((t) => t.auditedDistinct !== t.stored) ? await unauditedRecordTrails(platform, tenantIds, left.deadLetters) : [];
    const faults = injected.map((entry) => `${describeFault(entry.fault)} (at ${(entry.startedMs / 1000).toFixed(1)} s, whole at ${(entry.recoveredMs / 1000).toFixed(1)} s: ${entry.detail})`);
    const findings = [
      ...result.findings,
      ...auditTrails.map((line) => `unaudited ${line}`),
      ...stripeFindings,
      ...webhooks.tally.refused.map((line) => `Stripe webhook refused ${line}`),
      ...platform.crashes(),
      ...injected.flatMap((entry) => entry.problems.map((problem) => `after ${describeFault(entry.fault)}: ${problem}`)),
      ...load.bus.refused.concat(load.http.refused).map((line) => `ingest refused ${line}`),
      ...dashboards.tally.wrong.map((line) => `dashboard read ${line}`),
      ...recordReads.tally.wrong.map((line) => `record read ${line}`),
    ];
    const report = [table, 'faults:', ...faults.map((line) => `  ${line}`), 'findings:', ...(findings.length ? findings.map((line) => `  ${line}`) : ['  none'])].join('\n');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'reconciliation.txt'), `${report}\n`);
    say(`\n${report}`);

    expect(injected).toHaveLength(plan.length);
    expect(load.bus.published.size).toBeGreaterThan(0);
    expect(load.http.published.size).toBeGreaterThan(0);
    expect(webhooks.tally.accepted.size).toBeGreaterThan(0);
    expect(dashboards.tally.answered).toBeGreaterThan(0);
    expect(recordReads.tally.answered).toBeGreaterThan(0);
    expect(drained.tenants.size).toBe(tenants.length);
    expect(findings).toEqual([]);
  }, testTimeoutMs(plan.length));
});
