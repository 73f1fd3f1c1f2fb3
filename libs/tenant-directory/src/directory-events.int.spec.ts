import { ServiceBusClient } from '@azure/service-bus';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { REPLAY_PROPERTIES, type ApiKeyScope, type AuditEventV1, type EventPayload } from '@comply/contracts';
import type { HandlerTransaction } from '@comply/messaging';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { RunningService, startService } from '@comply/service-runtime';
import { createTestDatabase, drainSubscription, queryOnce, startTestServiceBus, TestDatabase, until, workspaceRoot } from '@comply/testing';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateApiKey } from './api-key';
import { Caller, CurrentCaller } from './caller';
import { RequireScope } from './require-scope';
import { ArrivalCause, TenantArrival } from './tenant-arrival';
import { TenantDirectoryModule } from './tenant-directory.module';
import { TenantErasure } from './tenant-erasure';

type DirectorySubject = 'tenant.created.v1' | 'tenant.updated.v1' | 'tenant.erased.v1' | 'apikey.created.v1' | 'apikey.revoked.v1';

@Controller('v1/probe')
class ProbeController {
  @Get()
  @RequireScope('read')
  probe(@CurrentCaller() caller: Caller): { tenantId: string } {
    return { tenantId: caller.tenantId };
  }
}

/** A service's own part of an erasure: reports the tenant context it ran in, which proves it shares the handler's transaction. */
@Injectable()
class ProbeErasure implements TenantErasure {
  async erase(tx: HandlerTransaction, tenantId: string): Promise<Record<string, unknown>> {
    const { rows } = await tx.execute<{ tenant: string }>(sql`select current_setting('app.tenant_id', true) as tenant`);
    return { erasedFor: tenantId, tenantContext: rows[0].tenant };
  }
}

interface Arrival {
  tenantId: string;
  tenantContext: string;
  cause: ArrivalCause;
}

/** Every call of the arrival hook, failed ones included. */
const arrivals: Arrival[] = [];
/** Tenants whose arrival fails on its first call, as a service's part failing mid-transaction would. */
const failFirstArrival = new Set<string>();

/** A service's own start for a new tenant: records the call and the tenant context it ran in. */
@Injectable()
class ProbeArrival implements TenantArrival {
  async arrived(tx: HandlerTransaction, tenantId: string, cause: ArrivalCause): Promise<void> {
    const { rows } = await tx.execute<{ tenant: string }>(sql`select current_setting('app.tenant_id', true) as tenant`);
    arrivals.push({ tenantId, tenantContext: rows[0].tenant, cause });
    if (failFirstArrival.delete(tenantId)) throw new Error('the service could not start the tenant this time');
  }
}

@Module({ imports: [TenantDirectoryModule.forReplica({ erasure: ProbeErasure, arrival: ProbeArrival })], controllers: [ProbeController] })
class ReplicaTestModule {}

/**
 * backup-worker's replica through the real path: core-store's events on tenant-events, the
 * emulator, the transport and message processor, the backup database as backup_app, and the
 * shared guard over HTTP. Keys are remembered for the default 30 s, so the refusals after a
 * suspension or an erasure show that the handler made this replica forget them.
 */
describe('tenant-events into a replica', () => {
  let database: TestDatabase;
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let service: RunningService;
  const tenantId = `tenant-${randomUUID()}`;
  const reader = generateApiKey();
  const ingester = generateApiKey();
  const readerId = randomUUID();
  const ingesterId = randomUUID();
  const correlationOfErasure = randomUUID();

  const admin = <T extends object>(text: string, values: unknown[] = []) => queryOnce<T>(database.adminUrl, text, values);

  async function publish<T extends DirectorySubject>(
    subject: T,
    body: EventPayload<T>,
    correlationId = randomUUID(),
    properties: Record<string, string> = {},
  ): Promise<string> {
    const sender = client.createSender('tenant-events');
    const messageId = randomUUID();
    try {
      await sender.sendMessages({ messageId, subject, body, correlationId, contentType: 'application/json', applicationProperties: { tenantId, ...properties } });
    } finally {
      await sender.close();
    }
    return messageId;
  }

  async function get(path: string, key?: string) {
    const response = await fetch(`${service.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: response.status, authenticate: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
  }

  const tenant = (version: number, status: 'active' | 'suspended') => ({
    tenantId,
    name: 'Acme Health',
    plan: 'pro',
    status,
    retentionDays: 365,
    version,
    occurredAt: new Date().toISOString(),
  });

  const apiKey = (keyId: string, issued: { prefix: string; secretHash: string }, scopes: ApiKeyScope[]) => ({
    tenantId,
    keyId,
    prefix: issued.prefix,
    secretHash: issued.secretHash,
    scopes,
    createdAt: new Date().toISOString(),
    version: 1,
  });

  const tenantVersion = () => until(() => admin<{ version: string; status: string }>('select version, status from directory_tenants'), (rows) => rows.length > 0, {});

  beforeAll(async () => {
    database = await createTestDatabase('backup');
    bus = await startTestServiceBus();
    client = new ServiceBusClient(bus.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
    service = await startService({
      service: 'backup-worker',
      module: ReplicaTestModule,
      env: {
        ...database.serviceEnv,
        PORT: '0',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        CONSUMER_RETRY_BASE_MS: '50',
        CONSUMER_RETRY_MAX_MS: '200',
        OUTBOX_POLL_INTERVAL_MS: '100',
        // The refusals these tests provoke would be audited on audit-events too, where one erasure event is expected.
        AUTH_FAILURE_AUDIT_INTERVAL_MS: '3600000',
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await client?.close();
    await bus?.stop();
    await database?.drop();
  });

  it('lands tenants and keys in the replica, where the guard finds them', async () => {
    await publish('apikey.created.v1', apiKey(readerId, reader, ['read']));
    await publish('apikey.created.v1', apiKey(ingesterId, ingester, ['ingest']));
    await publish('tenant.created.v1', tenant(1, 'active'));
    const replica = await until(
      () => admin<{ keys: string; tenants: string }>('select (select count(*) from directory_api_keys) as keys, (select count(*) from directory_tenants) as tenants'),
      ([counts]) => counts.keys === '2' && counts.tenants === '1',
    );
    expect(replica).toEqual([{ keys: '2', tenants: '1' }]);

    expect(await get('/v1/whoami', reader.key)).toEqual({ status: 200, authenticate: null, body: { tenantId, keyId: readerId, scopes: ['read'] } });
    expect(await get('/v1/probe', reader.key)).toMatchObject({ status: 200, body: { tenantId } });
    expect(await get('/v1/whoami', ingester.key)).toMatchObject({ status: 200, body: { keyId: ingesterId } });
  });

  it('answers 401 with WWW-Authenticate to no key or a wrong one, 403 to a key without the scope', async () => {
    const invalid = { status: 401, authenticate: 'Bearer', body: { statusCode: 401, message: 'Invalid API key' } };
    expect(await get('/v1/probe')).toMatchObject({ status: 401, authenticate: 'Bearer' });
    expect(await get('/v1/probe', generateApiKey().key)).toMatchObject(invalid);
    expect(await get('/v1/probe', `${reader.key.slice(0, -1)}${reader.key.endsWith('A') ? 'B' : 'A'}`)).toMatchObject(invalid);
    expect(await get('/v1/probe', ingester.key)).toMatchObject({ status: 403, authenticate: null, body: { message: 'This API key lacks the "read" scope' } });
  });

  it('refuses the keys of a suspended tenant with 403 as soon as the suspension is applied', async () => {
    await publish('tenant.updated.v1', tenant(2, 'suspended'));
    expect(await until(tenantVersion, ([row]) => row.version === '2')).toEqual([{ version: '2', status: 'suspended' }]);
    expect(await get('/v1/whoami', reader.key)).toMatchObject({ status: 403, body: { message: `Tenant ${tenantId} is suspended` } });
    await publish('tenant.updated.v1', tenant(3, 'active'));
    await until(tenantVersion, ([row]) => row.version === '3');
    expect(await get('/v1/whoami', reader.key)).toMatchObject({ status: 200 });
  });

  it('refuses a revoked key at once', async () => {
    await publish('apikey.revoked.v1', { ...apiKey(ingesterId, ingester, ['ingest']), revokedAt: new Date().toISOString(), version: 2 });
    await until(
      () => admin<{ revoked: boolean }>('select revoked_at is not null as revoked from directory_api_keys where key_id = $1', [ingesterId]),
      ([row]) => row?.revoked === true,
    );
    expect(await get('/v1/whoami', ingester.key)).toMatchObject({ status: 401, authenticate: 'Bearer', body: { message: 'Invalid API key' } });
  });

  it('leaves a revoked key revoked when its old creation is replayed from the dead-letter queue', async () => {
    // What `npm run dlq -- replay` sends: a copy under a new id, addressed to this subscription.
    const replay = await publish('apikey.created.v1', apiKey(ingesterId, ingester, ['ingest']), randomUUID(), {
      [REPLAY_PROPERTIES.replayedFor]: 'backup-worker',
      [REPLAY_PROPERTIES.replayOf]: randomUUID(),
    });
    const handled = await until(() => admin('select 1 from messaging_inbox where message_id = $1', [replay]), (rows) => rows.length > 0);
    expect(handled).toHaveLength(1);
    expect(await admin('select version::int as version, revoked_at is not null as revoked from directory_api_keys where key_id = $1', [ingesterId])).toEqual([
      { version: 2, revoked: true },
    ]);
    expect(await get('/v1/whoami', ingester.key)).toMatchObject({ status: 401, body: { message: 'Invalid API key' } });
  });

  it('erases the tenant: keys gone, the service hook run, one audit event sent in the same transaction', async () => {
    await publish('tenant.erased.v1', { tenantId, version: 4, occurredAt: new Date().toISOString() }, correlationOfErasure);
    expect(await until(tenantVersion, ([row]) => row.status === 'erased')).toEqual([{ version: '4', status: 'erased' }]);
    expect(await admin('select * from directory_api_keys')).toEqual([]);
    expect(await get('/v1/whoami', reader.key)).toMatchObject({ status: 401, authenticate: 'Bearer', body: { message: 'Invalid API key' } });

    const audits = await until(
      () => drainSubscription(client, 'audit-events', 'audit-writer', { quietMs: 1_000 }),
      (messages) => messages.length > 0,
    );
    expect(audits).toHaveLength(1);
    const [audit] = audits;
    expect(audit.subject).toBe('audit.event.v1');
    expect(audit.correlationId).toBe(correlationOfErasure);
    expect(audit.applicationProperties).toMatchObject({ tenantId });
    expect(audit.body as AuditEventV1).toEqual({
      actor: { type: 'service', id: 'backup-worker' },
      action: 'tenant.erase',
      resource: { type: 'tenant', id: tenantId },
      outcome: 'success',
      tenantId,
      correlationId: correlationOfErasure,
      occurredAt: expect.any(String),
      source: { service: 'backup-worker', host: expect.any(String) },
      details: { apiKeysDeleted: 2, erasedFor: tenantId, tenantContext: tenantId },
    });
    expect(await drainSubscription(client, 'tenant-events', 'backup-worker', { deadLetter: true })).toEqual([]);
  });
  it('starts the service\'s part once per tenant new to the replica, in the transaction that inserts it', async () => {
    const arrivalsOf = (id: string) => arrivals.filter((arrival) => arrival.tenantId === id);
    const handled = (messageId: string) => until(() => admin('select 1 from messaging_inbox where message_id = $1', [messageId]), (rows) => rows.length > 0);
    // The tenant of the tests above: created once, then suspended, reactivated and erased.
    expect(arrivalsOf(tenantId)).toHaveLength(1);

    const newcomer = `tenant-${randomUUID()}`;
    failFirstArrival.add(newcomer);
    const correlationId = randomUUID();
    const creation = await publish('tenant.created.v1', { ...tenant(1, 'active'), tenantId: newcomer }, correlationId, { tenantId: newcomer });
    await handled(creation);
    // The failed first call rolled the replica's insert back with it, so the redelivery found the tenant new again.
    const call = { tenantId: newcomer, tenantContext: newcomer, cause: { correlationId, causationId: creation } };
    expect(arrivalsOf(newcomer)).toEqual([call, call]);

    await handled(await publish('tenant.updated.v1', { ...tenant(2, 'suspended'), tenantId: newcomer }, randomUUID(), { tenantId: newcomer }));
    await handled(await publish('tenant.created.v1', { ...tenant(1, 'active'), tenantId: newcomer }, randomUUID(), { tenantId: newcomer }));
    expect(await admin('select version::int as version from directory_tenants where tenant_id = $1', [newcomer])).toEqual([{ version: 2 }]);
    expect(arrivalsOf(newcomer)).toHaveLength(2);

    const erased = `tenant-${randomUUID()}`;
    await handled(await publish('tenant.erased.v1', { tenantId: erased, version: 3, occurredAt: new Date().toISOString() }, randomUUID(), { tenantId: erased }));
    await handled(await publish('tenant.created.v1', { ...tenant(1, 'active'), tenantId: erased }, randomUUID(), { tenantId: erased }));
    expect(await admin('select status from directory_tenants where tenant_id = $1', [erased])).toEqual([{ status: 'erased' }]);
    expect(arrivalsOf(erased)).toEqual([]);
  });
});
