import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { BlobStore } from '@comply/blob-storage';
import { azuriteConnectionString, SERVICES } from '@comply/config';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { freePortRange, isPortOpen, startAzurite, startEmbeddedPostgres, workspaceRoot } from '@comply/local-infra';
import { emulatorConnectionString, emulatorTopology, startEmulator } from '@comply/servicebus-emulator';
import { queryOnce, until } from '@comply/testing';

const MAIN = join(__dirname, 'main.ts');

interface Stack {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** Runs `npm start`'s entry point exactly as package.json does, in a throwaway data dir. */
async function startStack(env: Record<string, string>): Promise<Stack> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
    cwd: workspaceRoot(__dirname),
    env: { ...process.env, DATABASE_URL: '', SERVICEBUS_CONNECTION_STRING: '', BLOB_CONNECTION_STRING: '', BLOB_ACCOUNT_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!output.includes('All services ready')) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    void exit.then((code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
  return { child, output: () => output, exit };
}

async function expectEveryServiceHealthy(portBase: number): Promise<void> {
  for (const [index, service] of SERVICES.entries()) {
    const url = `http://127.0.0.1:${portBase + index}`;
    const ready = await fetch(`${url}/health/ready`);
    expect({ service: service.name, status: ready.status }).toEqual({ service: service.name, status: 200 });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`http_request_duration_seconds_count{service="${service.name}",method="GET",route="/health/ready"`);
  }
}

async function call(url: string, method: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function mapping(requestId: string) {
  return {
    requestId,
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    sourceData: { text: `e2e ${requestId}: jane@example.com` },
    taxonomy: ['PII.Contact.Email'],
    scores: { 'PII.Contact.Email': 0.98 },
    confidence: 0.98,
    modelVersion: 'mapper-2026.11',
    latencyMs: 4,
    occurredAt: new Date().toISOString(),
  };
}

/**
 * The platform's main path across real processes: an operator creates a tenant and an API key
 * through core-store's admin API; mapping results published on the bus (and one posted over
 * HTTP) come back over HTTP decrypted; a malformed message is dead-lettered with its reason.
 */
async function expectMappingsStoredAndReadable(coreStoreUrl: string, connectionString: string, adminToken: string): Promise<void> {
  const tenant = await call(`${coreStoreUrl}/admin/tenants`, 'POST', adminToken, { id: 'e2e-tenant', name: 'E2E Inc.' });
  expect(tenant.status).toBe(201);
  const created = await call(`${coreStoreUrl}/admin/tenants/e2e-tenant/api-keys`, 'POST', adminToken, { name: 'e2e', scopes: ['ingest', 'read'] });
  expect(created.status).toBe(201);
  const key: string = created.body.key;

  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
  try {
    const sender = client.createSender('mapping-events');
    const requestIds = Array.from({ length: 20 }, (_, i) => `e2e-bus-${i}`);
    await sender.sendMessages([
      ...requestIds.map((requestId) => ({
        body: { tenantId: 'e2e-tenant', ...mapping(requestId) },
        messageId: requestId,
        subject: 'mapping.result.v1',
        applicationProperties: { tenantId: 'e2e-tenant' },
      })),
      { body: { mapped: true }, messageId: 'e2e-malformed', subject: 'mapping.result.v1' },
      { body: { other: true }, messageId: 'e2e-other', subject: 'record.stored.v1' },
    ]);
    const listed = await until(
      () => call(`${coreStoreUrl}/v1/records?limit=100`, 'GET', key),
      (response) => response.body?.items?.length >= 20,
    );
    expect(listed.body.items.map((r: { requestId: string }) => r.requestId).sort()).toEqual([...requestIds].sort());
    const one = await call(`${coreStoreUrl}/v1/records/${listed.body.items[0].id}`, 'GET', key);
    expect(one.status).toBe(200);
    expect(one.body.sourceData).toEqual({ text: `e2e ${one.body.requestId}: jane@example.com` });

    const posted = await call(`${coreStoreUrl}/v1/mappings`, 'POST', key, mapping('e2e-http-1'));
    expect(posted.status).toBe(202);
    const readBack = await call(`${coreStoreUrl}/v1/records/${posted.body.records[0].recordId}`, 'GET', key);
    expect(readBack.body).toMatchObject({ requestId: 'e2e-http-1', taxonomy: ['PII.Contact.Email'] });

    const deadLetters = client.createReceiver('mapping-events', 'core-store', { receiveMode: 'receiveAndDelete', subQueueType: 'deadLetter' });
    const dead = await deadLetters.receiveMessages(10, { maxWaitTimeInMs: 10_000 });
    const late = await deadLetters.receiveMessages(10, { maxWaitTimeInMs: 500 });
    expect([...dead, ...late].map((m) => ({ messageId: m.messageId, reason: m.deadLetterReason }))).toEqual([
      { messageId: 'e2e-malformed', reason: 'ContractViolation' },
    ]);
    expect(await client.createReceiver('mapping-events', 'core-store').peekMessages(10)).toEqual([]);
  } finally {
    await client.close();
  }
}

/** How long a verified key is remembered by each service in this test's stack. */
const API_KEY_CACHE_TTL_MS = 1_000;

/**
 * The tenant directory across the five processes: a key made on core-store's admin API works on
 * every service once tenant-events has delivered it; revocation and suspension reach them all;
 * `npm run directory:resync` republishes the directory.
 */
async function expectDirectoryOnEveryService(portBase: number, dataDir: string, adminToken: string): Promise<void> {
  const urls = SERVICES.map((service, index) => ({ service: service.name, url: `http://127.0.0.1:${portBase + index}` }));
  const coreStore = urls[0].url;
  const everywhere = async (key: string, expected: number) => {
    for (const { service, url } of urls) {
      const answer = await until(
        () => call(`${url}/v1/whoami`, 'GET', key),
        (response) => response.status === expected,
        { timeoutMs: API_KEY_CACHE_TTL_MS + 20_000 },
      );
      expect({ service, status: answer.status }).toEqual({ service, status: expected });
    }
  };
  expect((await call(`${coreStore}/admin/tenants`, 'POST', adminToken, { id: 'e2e-directory', name: 'Directory Inc.' })).status).toBe(201);
  const created = await call(`${coreStore}/admin/tenants/e2e-directory/api-keys`, 'POST', adminToken, { name: 'everywhere', scopes: ['read'] });
  expect(created.status).toBe(201);
  const key: string = created.body.key;

  await everywhere(key, 200);
  for (const { url } of urls) {
    expect((await call(`${url}/v1/whoami`, 'GET', key)).body).toEqual({ tenantId: 'e2e-directory', keyId: created.body.id, scopes: ['read'] });
  }
  expect((await call(`${coreStore}/admin/tenants/e2e-directory`, 'PATCH', adminToken, { status: 'suspended' })).status).toBe(200);
  await everywhere(key, 403);
  expect((await call(`${coreStore}/admin/tenants/e2e-directory`, 'PATCH', adminToken, { status: 'active' })).status).toBe(200);
  await everywhere(key, 200);
  expect((await call(`${coreStore}/admin/tenants/e2e-directory/api-keys/${created.body.id}`, 'DELETE', adminToken)).status).toBe(204);
  await everywhere(key, 401);

  expect(resync(coreStore, dataDir)).toMatchObject({ status: 0, stderr: '' });
  // The republished revocation is no newer than what the replicas hold: the key stays refused.
  await everywhere(key, 401);
}

const REPLICA_DATABASES = SERVICES.filter((service) => service.name !== 'core-store').map((service) => service.database);

/** Tenants and keys as core-store holds them, in the shape of a replica: an erased tenant keeps only its status and version. */
async function directoryOfCore(pgUrl: (database: string) => string): Promise<unknown[][]> {
  return [
    await queryOnce(
      pgUrl('core'),
      `select t.id as tenant_id, t.status, t.version::int as version,
              case when t.status <> 'erased' then t.name end as name, case when t.status <> 'erased' then t.plan end as plan,
              case when t.status <> 'erased' then c.retention_days end as retention_days
       from tenants t join tenant_configs c on c.tenant_id = t.id order by t.id`,
    ),
    await queryOnce(
      pgUrl('core'),
      `select k.id as key_id, k.tenant_id, k.prefix, k.secret_hash, k.scopes, k.version::int as version,
              date_trunc('milliseconds', k.created_at) as created_at, date_trunc('milliseconds', k.revoked_at) as revoked_at
       from api_keys k join tenants t on t.id = k.tenant_id where t.status <> 'erased' order by k.id`,
    ),
  ];
}

async function directoryOfReplica(pgUrl: (database: string) => string, database: string): Promise<unknown[][]> {
  return [
    await queryOnce(
      pgUrl(database),
      'select tenant_id, status, version::int as version, name, plan, retention_days from directory_tenants order by tenant_id',
    ),
    await queryOnce(
      pgUrl(database),
      `select key_id, tenant_id, prefix, secret_hash, scopes, version::int as version, created_at, revoked_at
       from directory_api_keys order by key_id`,
    ),
  ];
}

/**
 * After an erasure, every replica service audits its part; replicas wiped and resynced with
 * `npm run directory:resync` end identical to core-store's tenants and keys.
 */
async function expectReplicasMatchCore(coreStoreUrl: string, pgPort: number, dataDir: string, adminToken: string): Promise<void> {
  const pgUrl = (database: string) => `postgres://postgres@127.0.0.1:${pgPort}/${database}`;
  expect((await call(`${coreStoreUrl}/admin/tenants`, 'POST', adminToken, { id: 'e2e-erased', name: 'Erased Ltd.' })).status).toBe(201);
  expect((await call(`${coreStoreUrl}/admin/tenants/e2e-erased/api-keys`, 'POST', adminToken, { name: 'doomed', scopes: ['read'] })).status).toBe(201);
  expect((await call(`${coreStoreUrl}/admin/tenants/e2e-erased/erase`, 'POST', adminToken)).status).toBe(200);
  const core = await directoryOfCore(pgUrl);
  for (const database of REPLICA_DATABASES) {
    const audited = await until(
      () => queryOnce<{ actor: string }>(pgUrl(database), `select body->'actor'->>'id' as actor from messaging_outbox where subject = 'audit.event.v1' and body->>'action' = 'tenant.erase'`),
      (rows) => rows.length > 0,
    );
    expect({ database, audited: audited.length }).toEqual({ database, audited: 1 });
    await expectReplicaEqual(pgUrl, database, core);
    await queryOnce(pgUrl(database), 'truncate directory_tenants, directory_api_keys');
  }
  expect(resync(coreStoreUrl, dataDir)).toEqual({ status: 0, stderr: '', stdout: expect.stringMatching(/^Queued on tenant-events: \d+ tenant\(s\), \d+ API key\(s\)\.$/m) });
  for (const database of REPLICA_DATABASES) await expectReplicaEqual(pgUrl, database, core);
}

/**
 * A DBA's change made with psql around core-store (here: renaming an API key as the superuser)
 * reaches audit-writer's trail, attributed to the database role, and the tenant's log verifies.
 */
async function expectOutOfBandChangeInTrail(portBase: number, pgPort: number, adminToken: string): Promise<void> {
  const coreStore = `http://127.0.0.1:${portBase}`;
  const auditWriter = `http://127.0.0.1:${portBase + SERVICES.findIndex((service) => service.name === 'audit-writer')}`;
  expect((await call(`${coreStore}/admin/tenants`, 'POST', adminToken, { id: 'e2e-psql', name: 'Psql Inc.' })).status).toBe(201);
  const key = await call(`${coreStore}/admin/tenants/e2e-psql/api-keys`, 'POST', adminToken, { name: 'ci', scopes: ['read'] });
  expect(key.status).toBe(201);
  await queryOnce(`postgres://postgres@127.0.0.1:${pgPort}/core`, `update api_keys set name = 'renamed in psql' where id = $1`, [key.body.id]);
  const trail = await until(
    () => call(`${auditWriter}/v1/audit/events?tenantId=e2e-psql&action=api_key.update`, 'GET', adminToken),
    (response) => response.status === 200 && response.body.items.length > 0,
  );
  expect(trail.body.items).toHaveLength(1);
  expect(trail.body.items[0]).toMatchObject({
    actor: { type: 'user', id: 'postgres' },
    resource: { type: 'api_key', id: key.body.id },
    tenantId: 'e2e-psql',
    details: { path: 'database', changedColumns: ['name'] },
  });
  const verdict = await call(`${auditWriter}/v1/audit/verify?tenantId=e2e-psql`, 'GET', adminToken);
  expect(verdict).toMatchObject({ status: 200, body: { intact: true } });
}

/** Events are delivered in no particular order and may still be on their way: the replica converges. */
async function expectReplicaEqual(pgUrl: (database: string) => string, database: string, core: unknown[][]): Promise<void> {
  const replica = await until(() => directoryOfReplica(pgUrl, database), (rows) => JSON.stringify(rows) === JSON.stringify(core));
  expect({ database, replica }).toEqual({ database, replica: core });
}

function resync(coreStoreUrl: string, dataDir: string): { status: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join(workspaceRoot(__dirname), 'apps/core-store/src/directory/directory-resync.ts')], {
    cwd: workspaceRoot(__dirname),
    env: { ...process.env, ADMIN_TOKEN: '', DATA_DIR: dataDir, CORE_STORE_URL: coreStoreUrl },
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

/** The money path across processes: the free tier's quota from billing enforced by core-store, then lifted by a Stripe upgrade. */
async function expectFreeTierThenUpgrade(portBase: number, connectionString: string, dataDir: string, adminToken: string): Promise<void> {
  const coreStore = `http://127.0.0.1:${portBase}`;
  const tenantId = 'e2e-billing';
  const quota = () => call(`${coreStore}/admin/tenants/${tenantId}/config`, 'GET', adminToken).then((response) => response.body?.monthlyRecordQuota as number | null);
  expect((await call(`${coreStore}/admin/tenants`, 'POST', adminToken, { id: tenantId, name: 'Billing Inc.' })).status).toBe(201);
  const key: string = (await call(`${coreStore}/admin/tenants/${tenantId}/api-keys`, 'POST', adminToken, { name: 'meter', scopes: ['ingest', 'read'] })).body.key;
  // billing opens the account on the free plan when tenant-events brings the tenant, and sends core-store its quota.
  expect(await until(quota, (value) => value === 1_000)).toBe(1_000);

  for (const part of [0, 1]) {
    const batch = Array.from({ length: 500 }, (_, i) => mapping(`e2e-free-${part * 500 + i}`));
    expect((await call(`${coreStore}/v1/mappings`, 'POST', key, batch)).status).toBe(202);
  }
  const over = await call(`${coreStore}/v1/mappings`, 'POST', key, mapping('e2e-free-over'));
  expect({ status: over.status, message: over.body?.message }).toEqual({ status: 429, message: expect.stringMatching(/quota/i) });
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
  try {
    await client.createSender('mapping-events').sendMessages({
      body: { tenantId, ...mapping('e2e-free-bus-over') },
      messageId: 'e2e-free-bus-over',
      subject: 'mapping.result.v1',
      applicationProperties: { tenantId },
    });
    const deadLetters = client.createReceiver('mapping-events', 'core-store', { receiveMode: 'receiveAndDelete', subQueueType: 'deadLetter' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
    expect({ messageId: dead?.messageId, reason: dead?.deadLetterReason }).toEqual({ messageId: 'e2e-free-bus-over', reason: 'QuotaExceeded' });
  } finally {
    await client.close();
  }

  // billing metered all 1,000 and said so at 80 % and 100 %.
  const usage = await until(
    () => call(`http://127.0.0.1:${portBase + 1}/v1/billing/usage`, 'GET', key),
    (response) => response.body?.used === 1_000,
  );
  expect(usage.body).toMatchObject({ used: 1_000, included: 1_000, remaining: 0 });

  const send = spawnSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      join(workspaceRoot(__dirname), 'apps/billing/src/stripe/cli/stripe-send.ts'),
      ...['customer.created', 'checkout.session.completed', 'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid'],
      ...['--tenant', tenantId, '--plan', 'starter'],
    ],
    { cwd: workspaceRoot(__dirname), env: { ...process.env, STRIPE_WEBHOOK_SECRETS: '', DATA_DIR: dataDir, SERVICE_PORT_BASE: String(portBase) }, encoding: 'utf8' },
  );
  expect({ status: send.status, stderr: send.stderr }).toEqual({ status: 0, stderr: '' });
  expect(await until(quota, (value) => value === 50_000)).toBe(50_000);
  expect((await call(`${coreStore}/v1/mappings`, 'POST', key, mapping('e2e-paid-1'))).status).toBe(202);
  const subscription = await call(`http://127.0.0.1:${portBase + 1}/v1/billing/subscription`, 'GET', key);
  expect(subscription.body).toMatchObject({ plan: { code: 'starter' }, source: 'subscription' });
}

/** The mappings the analytics case publishes: taxonomy label → how many. */
const ANALYTICS_MAPPINGS: Record<string, number> = { 'PII.Contact.Email': 3, 'PII.Identifier.SSN': 2, 'PCI.Card.Number': 1 };

/**
 * Mappings published on the bus reach analytics-ingest's reports through core-store's
 * record.stored.v1: the tenant's own key reads exact counts, by detector, model version and
 * taxonomy label with its ancestors.
 */
async function expectMappingsCountedInAnalytics(portBase: number, connectionString: string, adminToken: string): Promise<void> {
  const coreStore = `http://127.0.0.1:${portBase}`;
  const analytics = `http://127.0.0.1:${portBase + SERVICES.findIndex((service) => service.name === 'analytics-ingest')}`;
  const tenantId = 'e2e-analytics';
  expect((await call(`${coreStore}/admin/tenants`, 'POST', adminToken, { id: tenantId, name: 'Analytics Inc.' })).status).toBe(201);
  const created = await call(`${coreStore}/admin/tenants/${tenantId}/api-keys`, 'POST', adminToken, { name: 'dashboards', scopes: ['read'] });
  expect(created.status).toBe(201);
  const key: string = created.body.key;

  const published = Object.entries(ANALYTICS_MAPPINGS).flatMap(([label, count]) =>
    Array.from({ length: count }, (_, i) => {
      const requestId = `e2e-analytics-${label}-${i}`;
      return {
        body: { tenantId, ...mapping(requestId), taxonomy: [label], scores: { [label]: 0.98 } },
        messageId: requestId,
        subject: 'mapping.result.v1',
        applicationProperties: { tenantId },
      };
    }),
  );
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
  try {
    await client.createSender('mapping-events').sendMessages(published);
  } finally {
    await client.close();
  }

  const total = published.length;
  const stored = (usage: { body?: { series?: Array<{ stored: number }> } }) => (usage.body?.series ?? []).reduce((sum, bucket) => sum + bucket.stored, 0);
  const usage = await until(
    () => call(`${analytics}/v1/analytics/usage`, 'GET', key),
    (response) => response.status === 200 && stored(response) >= total,
  );
  expect({ tenant: usage.body.tenant, stored: stored(usage) }).toEqual({ tenant: tenantId, stored: total });
  expect(usage.body.series.reduce((sum: number, bucket: { deleted: number }) => sum + bucket.deleted, 0)).toBe(0);
  expect(usage.body.byDetector).toEqual([{ detector: 'presidio', stored: total }]);
  expect(usage.body.byModelVersion).toEqual([{ modelVersion: 'mapper-2026.11', stored: total }]);

  const taxonomy = await call(`${analytics}/v1/analytics/taxonomy`, 'GET', key);
  expect(taxonomy.status).toBe(200);
  const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);
  expect([...taxonomy.body.labels].sort(byLabel)).toEqual(
    [
      { label: 'PCI', depth: 1, stored: 1 },
      { label: 'PCI.Card', depth: 2, stored: 1 },
      { label: 'PCI.Card.Number', depth: 3, stored: 1 },
      { label: 'PII', depth: 1, stored: 5 },
      { label: 'PII.Contact', depth: 2, stored: 3 },
      { label: 'PII.Contact.Email', depth: 3, stored: 3 },
      { label: 'PII.Identifier', depth: 2, stored: 2 },
      { label: 'PII.Identifier.SSN', depth: 3, stored: 2 },
    ].sort(byLabel),
  );
  expect(taxonomy.body.labels[0]).toEqual({ label: 'PII', depth: 1, stored: 5 });
}

/** The stack's Azurite keeps blobs create-only through the library the services use. */
async function expectBlobStorageServes(connectionString: string): Promise<void> {
  const store = BlobStore.fromConnectionString(connectionString, 'dev-stack-e2e');
  await store.ensureContainer();
  expect(await store.putIfAbsent('probe/first.txt', 'first')).toEqual({ created: true });
  expect(await store.putIfAbsent('probe/first.txt', 'second')).toEqual({ created: false });
  expect((await store.get('probe/first.txt'))?.toString()).toBe('first');
}

async function expectAllStopped(portBase: number, otherPorts: number[]): Promise<void> {
  const ports = [...SERVICES.map((_, i) => portBase + i), ...otherPorts];
  const open = await Promise.all(ports.map((port) => isPortOpen('127.0.0.1', port)));
  expect(ports.filter((_, i) => open[i])).toEqual([]);
}

/**
 * backup-worker under npm start: core is backed up on its schedule (every 20 s here, so snapshots do not crowd the steps before), the
 * backup.completed.v1 it publishes marks the records the snapshot holds as backed up with the
 * backup's id, and a restore drill of that backup passes.
 */
async function expectRecordsBackedUpOnSchedule(portBase: number, adminToken: string): Promise<void> {
  const coreStore = `http://127.0.0.1:${portBase}`;
  const backupWorker = `http://127.0.0.1:${portBase + SERVICES.findIndex((service) => service.name === 'backup-worker')}`;
  const created = await call(`${coreStore}/admin/tenants/e2e-tenant/api-keys`, 'POST', adminToken, { name: 'e2e-backups', scopes: ['read'] });
  expect(created.status).toBe(201);
  const key: string = created.body.key;
  // The list is read from the database each time (a single record's read may be cached).
  const listed = await until(
    () => call(`${coreStore}/v1/records?limit=100`, 'GET', key),
    (response) => response.body?.items?.length >= 21 && response.body.items.every((r: { backup: { status: string } }) => r.backup.status === 'backed_up'),
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );
  expect(listed.body.items.length).toBeGreaterThanOrEqual(21);
  const record = listed.body.items[0];
  expect(record.backup).toEqual({ status: 'backed_up', backupId: expect.any(String) });
  const backupId: string = record.backup.backupId;
  const run = await call(`${backupWorker}/v1/backups/${backupId}`, 'GET', adminToken);
  expect(run.body).toMatchObject({ id: backupId, database: 'core', status: 'completed' });
  expect(Date.parse(run.body.coversTransactionsBefore)).toBeGreaterThanOrEqual(Date.parse(record.createdAt));

  const drill = await call(`${backupWorker}/v1/backups/${backupId}/verify`, 'POST', adminToken);
  expect(drill.body).toMatchObject({ status: 'passed' });
}

describe('npm start (tools/dev-stack)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'comply-dev-stack-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('with nothing configured: embedded PostgreSQL, the Service Bus emulator, Azurite, five migrated databases, five ready services; Ctrl-C stops all', async () => {
    const portBase = await freePortRange(SERVICES.length + 3);
    const pgPort = portBase + SERVICES.length;
    const serviceBusPort = pgPort + 1;
    const azuritePort = pgPort + 2;
    const stack = await startStack({
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      SERVICEBUS_EMULATOR_PORT: String(serviceBusPort),
      AZURITE_BLOB_PORT: String(azuritePort),
      SERVICE_PORT_BASE: String(portBase),
      API_KEY_CACHE_TTL_MS: String(API_KEY_CACHE_TTL_MS),
      BACKUP_START_DELAY_MS: '1000',
      BACKUP_INTERVAL_CORE_MS: '20000',
    });
    try {
      expect(stack.output()).toContain(`PostgreSQL: embedded PostgreSQL 127.0.0.1:${pgPort}`);
      expect(stack.output()).toContain(`Service Bus: emulator 127.0.0.1:${serviceBusPort} (durable, ${join(dataDir, 'servicebus')},`);
      const connectionString = emulatorConnectionString('127.0.0.1', serviceBusPort);
      expect(stack.output()).toContain(connectionString);
      expect(stack.output()).toContain(`Blob storage: Azurite 127.0.0.1:${azuritePort} (${join(dataDir, 'azurite')})`);
      expect(stack.output()).toMatch(new RegExp(`^Blob storage +Azurite 127\\.0\\.0\\.1:${azuritePort} `, 'm'));
      const blobConnectionString = azuriteConnectionString('127.0.0.1', azuritePort);
      expect(stack.output()).toContain(`BLOB_CONNECTION_STRING=${blobConnectionString}`);
      await expectBlobStorageServes(blobConnectionString);
      const adminToken = /ADMIN_TOKEN=(\S+)/.exec(stack.output())?.[1];
      expect(adminToken).toBeDefined();
      expect(existsSync(join(dataDir, 'admin-token'))).toBe(true);
      await expectMappingsStoredAndReadable(`http://127.0.0.1:${portBase}`, connectionString, adminToken!);
      await expectDirectoryOnEveryService(portBase, dataDir, adminToken!);
      await expectReplicasMatchCore(`http://127.0.0.1:${portBase}`, pgPort, dataDir, adminToken!);
      await expectFreeTierThenUpgrade(portBase, connectionString, dataDir, adminToken!);
      await expectOutOfBandChangeInTrail(portBase, pgPort, adminToken!);
      await expectMappingsCountedInAnalytics(portBase, connectionString, adminToken!);
      await expectRecordsBackedUpOnSchedule(portBase, adminToken!);
      for (const service of SERVICES) {
        expect(stack.output()).toMatch(new RegExp(`^${service.name} +http://127\\.0\\.0\\.1:\\d+ +${service.database} `, 'm'));
      }
      await expectEveryServiceHealthy(portBase);
      expect(existsSync(join(dataDir, 'postgres', 'cluster', 'PG_VERSION'))).toBe(true);
    } finally {
      stack.child.kill('SIGINT');
    }
    expect(await stack.exit).toBe(0);
    expect(stack.output()).toContain('stopped.');
    await expectAllStopped(portBase, [pgPort, serviceBusPort, azuritePort]);
    expect(existsSync(join(dataDir, 'azurite', '__blobstorage__'))).toBe(true);
    expect(existsSync(join(dataDir, 'servicebus', 'messages.log'))).toBe(true);
  }, 240_000);

  it('with DATABASE_URL, SERVICEBUS_CONNECTION_STRING and BLOB_CONNECTION_STRING set: uses those and starts neither PostgreSQL nor an emulator', async () => {
    const serverDir = mkdtempSync(join(tmpdir(), 'comply-external-pg-'));
    const external = await startEmbeddedPostgres({ dataDir: serverDir, port: 0 });
    const externalServiceBus = await startEmulator({ port: 0, topology: emulatorTopology(PLATFORM_TOPOLOGY) });
    const externalBlob = await startAzurite({ port: 0 });
    const stackDir = mkdtempSync(join(tmpdir(), 'comply-dev-stack-url-'));
    const portBase = await freePortRange(SERVICES.length + 2);
    const unusedEmulatorPort = portBase + SERVICES.length;
    const unusedAzuritePort = unusedEmulatorPort + 1;
    try {
      const stack = await startStack({
        DATABASE_URL: external.adminUrl,
        SERVICEBUS_CONNECTION_STRING: externalServiceBus.connectionString,
        SERVICEBUS_EMULATOR_PORT: String(unusedEmulatorPort),
        BLOB_CONNECTION_STRING: externalBlob.connectionString,
        AZURITE_BLOB_PORT: String(unusedAzuritePort),
        DATA_DIR: stackDir,
        SERVICE_PORT_BASE: String(portBase),
      });
      try {
        expect(stack.output()).toContain(`PostgreSQL: DATABASE_URL 127.0.0.1:${external.port}`);
        expect(stack.output()).toContain(`Service Bus: SERVICEBUS_CONNECTION_STRING 127.0.0.1:${externalServiceBus.port}`);
        expect(stack.output()).not.toContain(externalServiceBus.connectionString);
        expect(stack.output()).toContain(`Blob storage: BLOB_CONNECTION_STRING http://127.0.0.1:${externalBlob.port}/devstoreaccount1`);
        expect(stack.output()).not.toContain(externalBlob.connectionString);
        expect(await isPortOpen('127.0.0.1', unusedEmulatorPort)).toBe(false);
        expect(await isPortOpen('127.0.0.1', unusedAzuritePort)).toBe(false);
        await expectEveryServiceHealthy(portBase);
        expect(existsSync(join(stackDir, 'postgres'))).toBe(false);
        expect(existsSync(join(stackDir, 'azurite'))).toBe(false);
      } finally {
        stack.child.kill('SIGTERM');
      }
      expect(await stack.exit).toBe(0);
      await expectAllStopped(portBase, [unusedEmulatorPort, unusedAzuritePort]);
      expect(await isPortOpen('127.0.0.1', external.port)).toBe(true);
      expect(await isPortOpen('127.0.0.1', externalServiceBus.port)).toBe(true);
      expect(await isPortOpen('127.0.0.1', externalBlob.port)).toBe(true);
    } finally {
      await externalBlob.stop();
      await externalServiceBus.stop();
      await external.stop();
      rmSync(serverDir, { recursive: true, force: true });
      rmSync(stackDir, { recursive: true, force: true });
    }
  }, 120_000);
});
