import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { serviceNamed, type SettingsSpec } from '@comply/config';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { RunningService, startService, type StartServiceOptions } from '@comply/service-runtime';
import { createTestDatabase, drainSubscription, queryOnce, startTestServiceBus, TestDatabase, workspaceRoot } from '@comply/testing';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface ServiceTestAppOptions {
  /** Run the bus consumers and the outbox relay against a private emulator (default false: events stay in the outbox table). */
  messaging?: boolean;
  /** With `messaging`: a broker already running (e.g. the emulator in its own process) instead of a private in-process one. */
  serviceBusConnectionString?: string;
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

export interface OutboxRow {
  subject: string;
  body: any;
  tenant_id: string | null;
  correlation_id: string;
  causation_id: string | null;
}

export interface ServiceTestApp {
  service: RunningService;
  url: string;
  database: TestDatabase;
  adminToken: string;
  /** Present with `messaging: true`. */
  bus?: RunningEmulator;
  client?: ServiceBusClient;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResult<T>>;
  /** A request to the operator API, with the admin token. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
  /** SQL as the superuser: fixtures and raw-row assertions (bypasses RLS). */
  sql<T extends object = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Outbox rows by subject, as the service wrote them. */
  outbox(subject?: string): Promise<OutboxRow[]>;
  /** audit.event.v1 rows a request wrote: their correlation id is its request id. */
  auditOf(response: HttpResult): Promise<OutboxRow[]>;
  drain(topic: string, subscription: string, options?: { deadLetter?: boolean; quietMs?: number }): Promise<ServiceBusReceivedMessage[]>;
  /** Stops the service, the bus and drops the database; `cleanup` runs last. */
  close(): Promise<void>;
}

/**
 * Starts `options.service` (its StartServiceOptions, as main.ts uses them) on a migrated scratch
 * database of its own, with a fresh admin token, quick retries and a fast outbox poll.
 */
export async function startServiceTestApp<E extends SettingsSpec>(
  service: StartServiceOptions<E>,
  options: ServiceTestAppOptions = {},
  cleanup: () => void = () => undefined,
): Promise<ServiceTestApp> {
  const database = await createTestDatabase(serviceNamed(service.service).database);
  const bus = options.messaging && !options.serviceBusConnectionString ? await startTestServiceBus() : undefined;
  const serviceBusConnectionString = options.messaging ? (options.serviceBusConnectionString ?? bus?.connectionString) : undefined;
  const adminToken = randomBytes(24).toString('base64url');
  const env: Record<string, string> = {
    ...database.serviceEnv,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
    ADMIN_TOKEN: adminToken,
    CONSUMER_RETRY_BASE_MS: '50',
    CONSUMER_RETRY_MAX_MS: '200',
    OUTBOX_POLL_INTERVAL_MS: '100',
    ...(serviceBusConnectionString ? { SERVICEBUS_CONNECTION_STRING: serviceBusConnectionString } : {}),
    ...options.env,
  };
  let running: RunningService;
  try {
    running = await startService({ ...service, messaging: Boolean(serviceBusConnectionString), env });
  } catch (error) {
    await bus?.stop();
    await database.drop();
    cleanup();
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
    const response = await fetch(`${running.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async function outbox(subject?: string): Promise<OutboxRow[]> {
    return sql<OutboxRow>(
      `select subject, body, tenant_id, correlation_id, causation_id from messaging_outbox
       ${subject ? 'where subject = $1' : ''} order by created_at, id`,
      subject ? [subject] : [],
    );
  }

  return {
    service: running,
    url: running.url,
    database,
    adminToken,
    bus,
    client,
    request,
    admin: (method, path, body) => request(method, path, { token: adminToken, body }),
    sql,
    outbox,
    async auditOf(response) {
      return (await outbox('audit.event.v1')).filter((row) => row.correlation_id === response.headers.get('x-request-id'));
    },
    drain(topic, subscription, drainOptions) {
      if (!client) throw new Error('drain needs the test app started with messaging: true');
      return drainSubscription(client, topic, subscription, drainOptions);
    },
    async close() {
      await running.close();
      await client?.close();
      await bus?.stop();
      await database.drop();
      cleanup();
    },
  };
}
