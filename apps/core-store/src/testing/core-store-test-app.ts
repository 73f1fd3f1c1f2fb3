import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { ApiKeyScope } from '@comply/contracts';
import { messagingOutbox } from '@comply/messaging';
import { getTableName } from 'drizzle-orm';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { RunningService, startService } from '@comply/service-runtime';
import { createTestDatabase, drainSubscription, queryOnce, startTestServiceBus, TestDatabase, testRedisUrl, workspaceRoot } from '@comply/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@comply/tenant-directory';
import { coreStoreService } from '../core-store-service';

export interface TestAppOptions {
  /** Run the bus consumers and the outbox relay against a private emulator (default false: events stay in the outbox table). */
  messaging?: boolean;
  /** With `messaging`: a broker already running (e.g. the emulator in its own process) instead of a private in-process one. */
  serviceBusConnectionString?: string;
  /** Cache in Redis (default) or, with false, in process. */
  redis?: boolean;
  env?: Record<string, string>;
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body text instead of JSON of `body`. */
  rawBody?: string;
  /** Bearer token: an API key or the admin token. */
  token?: string;
  headers?: Record<string, string>;
}

export interface TestTenant {
  id: string;
  /** An API key with every scope. */
  key: string;
  keyWith(scopes: ApiKeyScope[]): Promise<string>;
}

export interface OutboxRow {
  subject: string;
  body: any;
  tenant_id: string | null;
  correlation_id: string;
  causation_id: string | null;
}

/**
 * core-store running in this process against a private copy of the core database, the shared
 * test Redis and (with `messaging`) a private Service Bus emulator: what the service's
 * integration and e2e suites drive over real HTTP.
 */
export interface CoreStoreTestApp {
  service: RunningService;
  url: string;
  database: TestDatabase;
  adminToken: string;
  /** Present with `messaging: true`. */
  bus?: RunningEmulator;
  client?: ServiceBusClient;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResult<T>>;
  /** A request to the admin API, with the admin token. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
  /** SQL as the superuser: fixtures and raw-row assertions (bypasses RLS). */
  sql<T extends object = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]>;
  /** A tenant inserted directly (not through the admin API), with its config and an all-scope API key. */
  createTenant(id: string, options?: { monthlyRecordQuota?: number; retentionDays?: number; allowedDetectors?: string[] }): Promise<TestTenant>;
  /** Outbox rows by subject, as the service wrote them. */
  outbox(subject?: string): Promise<OutboxRow[]>;
  /** audit.event.v1 rows a request wrote: their correlation id is its request id. */
  auditOf(response: HttpResult): Promise<OutboxRow[]>;
  drain(topic: string, subscription: string, options?: { deadLetter?: boolean; quietMs?: number }): Promise<ServiceBusReceivedMessage[]>;
  close(): Promise<void>;
}

export async function startCoreStoreTestApp(options: TestAppOptions = {}): Promise<CoreStoreTestApp> {
  const database = await createTestDatabase('core');
  const bus = options.messaging && !options.serviceBusConnectionString ? await startTestServiceBus() : undefined;
  const serviceBusConnectionString = options.messaging ? (options.serviceBusConnectionString ?? bus?.connectionString) : undefined;
  const keyDir = mkdtempSync(join(tmpdir(), 'core-store-kek-'));
  const adminToken = randomBytes(24).toString('base64url');
  const env: Record<string, string> = {
    ...database.serviceEnv,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
    LOCAL_KEK_FILE: join(keyDir, 'kek.json'),
    ADMIN_TOKEN: adminToken,
    CONSUMER_RETRY_BASE_MS: '50',
    CONSUMER_RETRY_MAX_MS: '200',
    OUTBOX_POLL_INTERVAL_MS: '100',
    ...(options.redis === false ? {} : { REDIS_URL: testRedisUrl() }),
    ...(serviceBusConnectionString ? { SERVICEBUS_CONNECTION_STRING: serviceBusConnectionString } : {}),
    ...options.env,
  };
  let service: RunningService;
  try {
    service = await startService({ ...coreStoreService, messaging: Boolean(serviceBusConnectionString), env });
  } catch (error) {
    await bus?.stop();
    await database.drop();
    throw error;
  }
  const client = serviceBusConnectionString
    ? new ServiceBusClient(serviceBusConnectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } })
    : undefined;
  const sql = <T extends object>(text: string, values: unknown[] = []) => queryOnce<T>(database.adminUrl, text, values);

  async function request<T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...requestOptions.headers };
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    let body: string | undefined = requestOptions.rawBody;
    if (requestOptions.body !== undefined) body = JSON.stringify(requestOptions.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${service.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async function addKey(tenantId: string, scopes: ApiKeyScope[]): Promise<string> {
    const { key, prefix, secretHash } = generateApiKey();
    await sql(`insert into api_keys (tenant_id, name, prefix, secret_hash, scopes) values ($1, 'test', $2, $3, $4)`, [tenantId, prefix, secretHash, scopes]);
    return key;
  }

  async function outbox(subject?: string): Promise<OutboxRow[]> {
    return sql<OutboxRow>(
      `select subject, body, tenant_id, correlation_id, causation_id from ${getTableName(messagingOutbox)}
       ${subject ? 'where subject = $1' : ''} order by created_at, id`,
      subject ? [subject] : [],
    );
  }

  return {
    service,
    url: service.url,
    database,
    adminToken,
    bus,
    client,
    request,
    admin: (method, path, body) => request(method, path, { token: adminToken, body }),
    sql,
    async createTenant(id, tenantOptions = {}) {
      await sql(`insert into tenants (id, name) values ($1, $1)`, [id]);
      await sql(
        `insert into tenant_configs (tenant_id, retention_days, monthly_record_quota, allowed_detectors) values ($1, $2, $3, $4)`,
        [id, tenantOptions.retentionDays ?? 365, tenantOptions.monthlyRecordQuota ?? null, tenantOptions.allowedDetectors ?? null],
      );
      return { id, key: await addKey(id, ['ingest', 'read', 'admin']), keyWith: (scopes) => addKey(id, scopes) };
    },
    outbox,
    async auditOf(response) {
      return (await outbox('audit.event.v1')).filter((row) => row.correlation_id === response.headers.get('x-request-id'));
    },
    drain(topic, subscription, drainOptions) {
      if (!client) throw new Error('drain needs the test app started with messaging: true');
      return drainSubscription(client, topic, subscription, drainOptions);
    },
    async close() {
      await service.close();
      await client?.close();
      await bus?.stop();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
