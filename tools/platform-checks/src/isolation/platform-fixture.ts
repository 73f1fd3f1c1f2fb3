import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES, type ServiceName } from '@comply/config';
import { freePort } from '@comply/local-infra';
import {
  createTestDatabase,
  runToCompletion,
  spawnServiceProcess,
  startTestServiceBus,
  testBlobConnectionString,
  until,
  waitUntilReady,
  workspaceRoot,
  type ServiceProcess,
  type TestDatabase,
} from '@comply/testing';
import { callJson, expectStatus } from '../platform-api';
import type { CallerKeys, IssuedKey } from './caller-kinds';
import type { TargetIdentifiers } from './operation-targets';

/** The five services, each in its own process from source, on scratch databases, the emulator and Azurite. */
export interface RunningPlatform {
  urls: Record<ServiceName, string>;
  adminToken: string;
  /** The secret billing verifies Stripe webhooks with, to play Stripe (`npm run stripe:send`). */
  stripeWebhookSecret: string;
  /** What a service printed (warnings and errors), to explain a 500 by its request id. */
  outputOf(service: string): string;
  /** The emulator every service consumes from. */
  serviceBusConnectionString: string;
  /** Each service's scratch database, whose admin URL shows what a request wrote. */
  databases: Record<ServiceName, TestDatabase>;
  /** Whether the service's process is still running (a crash is a finding of its own). */
  isRunning(service: ServiceName): boolean;
  stop(): Promise<void>;
}

/** `env`: settings every service gets besides the fixture's own. */
export async function startPlatform(env: NodeJS.ProcessEnv = {}): Promise<RunningPlatform> {
  const keysDir = mkdtempSync(join(tmpdir(), 'platform-checks-'));
  const adminToken = randomBytes(24).toString('base64url');
  const stripeWebhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const databases = {} as Record<ServiceName, TestDatabase>;
  const processes: ServiceProcess[] = [];
  const urls = {} as Record<ServiceName, string>;
  const bus = await startTestServiceBus();
  const stop = async () => {
    await Promise.all(processes.map((service) => service.stop()));
    await bus.stop();
    for (const database of Object.values(databases)) await database.drop();
    rmSync(keysDir, { recursive: true, force: true });
  };
  try {
    const { DATABASE_URL: _withheld, ...inherited } = process.env;
    for (const descriptor of SERVICES) {
      const database = await createTestDatabase(descriptor.database);
      databases[descriptor.name] = database;
      const port = await freePort();
      const serviceEnv: NodeJS.ProcessEnv = {
        ...inherited,
        ...database.serviceEnv,
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: adminToken,
        // Nothing remembered: every request sees the directory as it is (a revocation, a suspension).
        API_KEY_CACHE_TTL_MS: '0',
        // Webhooks verified, so an unsigned one is refused rather than the endpoint disabled.
        STRIPE_WEBHOOK_SECRETS: stripeWebhookSecret,
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        BLOB_CONNECTION_STRING: testBlobConnectionString(),
        LOCAL_KEK_FILE: join(keysDir, 'kek.json'),
        AUDIT_SIGNING_KEY_FILE: join(keysDir, 'audit-checkpoint-signing-key.pem'),
        PORT: String(port),
        ...env,
      };
      const main = join('apps', descriptor.name, 'src', 'main.ts');
      processes.push(spawnServiceProcess(descriptor.name, ['-r', '@swc-node/register', main], { cwd: workspaceRoot(), env: serviceEnv }));
      urls[descriptor.name] = `http://127.0.0.1:${port}`;
    }
    await Promise.all(processes.map((service) => waitUntilReady(service, urls[service.name as ServiceName], 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  const processOf = (name: string) => processes.find((service) => service.name === name);
  const outputOf = (name: string) => processOf(name)?.output.join('') ?? '';
  const isRunning = (name: ServiceName) => {
    const child = processOf(name)?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  };
  return { urls, adminToken, stripeWebhookSecret, outputOf, serviceBusConnectionString: bus.connectionString, databases, isRunning, stop };
}


/** What the matrix's callers and targets are made of. */
export interface TenantFixture {
  tenants: { A: string; B: string; C: string };
  keys: CallerKeys;
  ids: TargetIdentifiers;
  /** Tenant B's identifiers and secrets by name: none may reach anyone but B and the operator. */
  markersOfB: Record<string, string>;
  /** The marker written into B's record (and its tenant name). */
  markerOfB: string;
}

function mapping(requestId: string, text: string) {
  return {
    requestId,
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    sourceData: { text },
    taxonomy: ['PII.Contact.Email'],
    scores: { 'PII.Contact.Email': 0.98 },
    confidence: 0.98,
    modelVersion: 'mapper-2026.11',
    latencyMs: 4,
    occurredAt: new Date().toISOString(),
  };
}

/**
 * Through core-store's admin API, as an operator would: tenants A and B with a record each (B's
 * carrying a marker), C suspended; A's keys (every scope, one per scope, a revoked one, a spare one
 * that the matrix's revoke operation may revoke); then waits until every other service's replica
 * of the directory (tenant-events) answers for each key as core-store does.
 */
export async function arrangeTenants(platform: RunningPlatform, scopes: string[]): Promise<TenantFixture> {
  const core = platform.urls['core-store'];
  const admin = platform.adminToken;
  const run = randomBytes(4).toString('hex');
  const markerOfB = `isolation-marker-${randomBytes(8).toString('hex')}`;
  const tenants = { A: `iso-a-${run}`, B: `iso-b-${run}`, C: `iso-c-${run}` };
  const names = { A: `Tenant A ${run}`, B: `Tenant B ${markerOfB}`, C: `Tenant C ${run}` };
  for (const label of ['A', 'B', 'C'] as const) {
    await expectStatus(`create tenant ${label}`, callJson(`${core}/admin/tenants`, 'POST', admin, { id: tenants[label], name: names[label] }), 201);
  }
  const issue = async (tenant: string, name: string, keyScopes: string[]): Promise<IssuedKey> => {
    const body = await expectStatus(`issue ${name}`, callJson<IssuedKey>(`${core}/admin/tenants/${tenant}/api-keys`, 'POST', admin, { name, scopes: keyScopes }), 201);
    return { id: body.id, key: body.key, prefix: body.prefix, scopes: body.scopes };
  };
  const full = await issue(tenants.A, 'every scope', scopes);
  const single = Object.fromEntries(await Promise.all(scopes.map(async (scope) => [scope, await issue(tenants.A, `only ${scope}`, [scope])] as const)));
  const revoked = await issue(tenants.A, 'revoked', scopes);
  const spare = await issue(tenants.A, 'spare, for the revoke operation', scopes);
  const owner = await issue(tenants.B, 'every scope', scopes);
  const suspended = await issue(tenants.C, 'every scope', scopes);
  await expectStatus('revoke', callJson(`${core}/admin/tenants/${tenants.A}/api-keys/${revoked.id}`, 'DELETE', admin), 204);
  await expectStatus('suspend C', callJson(`${core}/admin/tenants/${tenants.C}`, 'PATCH', admin, { status: 'suspended' }), 200);

  const store = async (key: IssuedKey, requestId: string, text: string): Promise<string> => {
    const body = await expectStatus(`store ${requestId}`, callJson<{ records: Array<{ recordId: string }> }>(`${core}/v1/mappings`, 'POST', key.key, mapping(requestId, text)), 202);
    return body.records[0].recordId;
  };
  const recordOfA = await store(full, `a-${run}`, `tenant A's record ${run}`);
  const recordOfB = await store(owner, `${markerOfB}-request`, `tenant B's secret ${markerOfB}`);

  const keys: CallerKeys = { adminToken: admin, full, single, revoked, suspended, owner };
  await untilEveryReplicaAnswers(platform, [
    [full, 200],
    ...Object.values(single).map((key) => [key, 200] as [IssuedKey, number]),
    [owner, 200],
    [revoked, 401],
    [suspended, 403],
  ]);
  await untilAuditedFor(platform, tenants.B);
  const stripeOfA = await subscribeThroughStripe(platform, tenants.A, full);
  const stripeOfB = await subscribeThroughStripe(platform, tenants.B, owner);

  return {
    tenants,
    keys,
    ids: {
      A: { tenant: tenants.A, record: recordOfA, apiKey: spare.id, invoice: stripeOfA.invoice },
      B: { tenant: tenants.B, record: recordOfB, apiKey: owner.id, invoice: stripeOfB.invoice },
      unknown: { tenant: `iso-unknown-${run}`, record: randomUUID(), apiKey: randomUUID(), invoice: `in_${randomBytes(7).toString('hex')}` },
    },
    markersOfB: {
      "B's tenant id": tenants.B,
      "B's record id": recordOfB,
      "B's key id": owner.id,
      "B's key prefix": owner.prefix,
      "B's key": owner.key,
      "B's Stripe invoice id": stripeOfB.invoice,
      "B's Stripe subscription id": stripeOfB.subscription,
      "B's marker (record and tenant name)": markerOfB,
    },
    markerOfB,
  };
}

/**
 * Plays Stripe for a tenant with billing's own tool (`npm run stripe:send`, signed with the
 * platform's webhook secret): a customer, a starter subscription and a paid invoice. Returns the
 * invoice's id and its subscription's once the tenant's key lists the invoice.
 */
async function subscribeThroughStripe(platform: RunningPlatform, tenant: string, key: IssuedKey): Promise<{ invoice: string; subscription: string }> {
  const events = ['customer.created', 'checkout.session.completed', 'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid'];
  const sent = await runToCompletion(
    'stripe:send',
    ['-r', '@swc-node/register', join('apps', 'billing', 'src', 'stripe', 'cli', 'stripe-send.ts'), ...events, '--tenant', tenant, '--plan', 'starter', '--url', platform.urls.billing],
    { cwd: workspaceRoot(), env: { ...process.env, STRIPE_WEBHOOK_SECRETS: platform.stripeWebhookSecret } },
  );
  if (sent.code !== 0) throw new Error(`stripe:send for ${tenant} exited ${sent.code}:\n${sent.output}`);
  const listed = await until(
    () => callJson<{ items?: Array<{ id: string; subscriptionId: string | null }> }>(`${platform.urls.billing}/v1/billing/invoices`, 'GET', key.key),
    (response) => response.status === 200 && (response.body.items?.length ?? 0) > 0,
    { timeoutMs: 60_000 },
  );
  const invoice = listed.body.items?.[0];
  if (!invoice?.subscriptionId) throw new Error(`billing lists no subscription invoice of ${tenant}: ${JSON.stringify(listed)}`);
  return { invoice: invoice.id, subscription: invoice.subscriptionId };
}

async function untilEveryReplicaAnswers(platform: RunningPlatform, expected: Array<[IssuedKey, number]>): Promise<void> {
  for (const [service, url] of Object.entries(platform.urls)) {
    for (const [key, status] of expected) {
      const answer = await until(
        () => fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${key.key}` } }),
        (response) => response.status === status,
        { timeoutMs: 60_000 },
      );
      if (answer.status !== status) throw new Error(`${service}: whoami with key ${key.prefix} answered ${answer.status}, expected ${status}`);
    }
  }
}

/** audit-writer holds entries in B's own log (its tenant and keys were audited), so B's log is a real target. */
async function untilAuditedFor(platform: RunningPlatform, tenant: string): Promise<void> {
  const url = `${platform.urls['audit-writer']}/v1/audit/events?log=${encodeURIComponent(tenant)}`;
  const answer = await until(
    () => callJson<{ items?: unknown[] }>(url, 'GET', platform.adminToken),
    (response) => response.status === 200 && (response.body.items?.length ?? 0) > 0,
    { timeoutMs: 60_000 },
  );
  if (answer.status !== 200 || !answer.body.items?.length) throw new Error(`audit-writer has no entry in ${tenant}'s log: ${JSON.stringify(answer)}`);
}
