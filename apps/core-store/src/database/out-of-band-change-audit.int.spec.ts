import { auditEventV1, AuditEventV1 } from '@comply/contracts';
import { createTestDatabase, queryOnce, TestDatabase, until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';

interface AuditRow {
  id: string;
  topic: string;
  subject: string;
  body: AuditEventV1;
  correlation_id: string;
  tenant_id: string | null;
  traceparent: string;
}

const RECORD_COLUMNS =
  'tenant_id, request_id, detector_name, detector_type, detector_version, model_version, taxonomy, taxonomy_paths, scores, confidence, latency_ms, source_data, correlation_id, occurred_at, expires_at';

/** `count` records of `tenantId` in one statement; `createdAt` places them in a month's partition. */
function insertRecords(tenantId: string, count: number, createdAt = 'now()'): string {
  return `insert into storage_records (id, created_at, ${RECORD_COLUMNS})
    select gen_random_uuid(), ${createdAt}, '${tenantId}', gen_random_uuid()::text, 'presidio', 'pii', '2.2', 'mapper-1',
      array['PII.Person.Name'], array['PII', 'PII.Person', 'PII.Person.Name'], '{}', 0.9, 3,
      'v1.k.secret-ciphertext', 'corr', now(), now() + interval '30 days'
    from generate_series(1, ${count}) returning id`;
}

/**
 * Changes made to core's sensitive tables by anyone but the service's own role (a DBA in psql, a
 * superuser, the owner) reach the audit trail through the outbox: the triggers of
 * migrations/core/0009_out_of_band_change_audit.sql, exercised as the superuser `postgres`, the
 * owner and the application role.
 */
describe('audit of changes made outside the service', () => {
  let database: TestDatabase;

  const asSuperuser = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    queryOnce<T>(database.adminUrl, text, values);

  /** Statements on one session of the superuser, e.g. after SET ROLE. */
  async function inSession<T>(work: (client: Client) => Promise<T>, url = database.adminUrl): Promise<T> {
    const client = new Client({ connectionString: url, application_name: 'psql' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** The audit events in the outbox, each checked against the contract as audit-writer will. */
  async function auditEvents(): Promise<AuditRow[]> {
    const rows = await asSuperuser<AuditRow>(
      `select id, topic, subject, body, correlation_id, tenant_id, traceparent from messaging_outbox
       where subject = 'audit.event.v1' order by created_at, id`,
    );
    for (const row of rows) expect(auditEventV1.safeParse(row.body)).toMatchObject({ success: true });
    return rows;
  }

  async function seedTenant(id: string): Promise<void> {
    await asSuperuser(`insert into tenants (id, name) values ($1, $2)`, [id, `Tenant ${id}`]);
    await asSuperuser(`insert into tenant_configs (tenant_id) values ($1)`, [id]);
  }

  async function seedApiKey(tenantId: string, secretHash: string): Promise<string> {
    const [key] = await asSuperuser<{ id: string }>(
      `insert into api_keys (tenant_id, name, prefix, secret_hash, scopes) values ($1, 'ci', $2, $3, '{records:read}') returning id`,
      [tenantId, `ck_${randomUUID().slice(0, 8)}`, secretHash],
    );
    return key.id;
  }

  beforeAll(async () => {
    database = await createTestDatabase('core');
    await seedTenant('tenant-a');
    await seedTenant('tenant-b');
  });

  beforeEach(async () => {
    await asSuperuser('delete from messaging_outbox');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("records a superuser's update of an API key as one event naming the key and its tenant, without the secret", async () => {
    const oldHash = 'a'.repeat(64);
    const newHash = 'b'.repeat(64);
    const keyId = await seedApiKey('tenant-a', oldHash);
    await asSuperuser('delete from messaging_outbox');

    await inSession((client) => client.query(`update api_keys set secret_hash = $1, revoked_at = now() where id = $2`, [newHash, keyId]));

    const events = await auditEvents();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ topic: 'audit-events', subject: 'audit.event.v1', tenant_id: 'tenant-a' });
    expect(event.correlation_id).toBe(event.body.correlationId);
    expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(event.body).toMatchObject({
      actor: { type: 'user', id: 'postgres' },
      action: 'api_key.update',
      resource: { type: 'api_key', id: keyId },
      outcome: 'success',
      tenantId: 'tenant-a',
      source: { service: 'core-database' },
      details: {
        path: 'database',
        role: 'postgres',
        sessionUser: 'postgres',
        application: 'psql',
        table: 'api_keys',
        count: 1,
        sampleIds: [keyId],
        changedColumns: ['revoked_at', 'secret_hash'],
      },
    });
    expect(typeof event.body.details?.txid).toBe('number');
    expect(Math.abs(Date.parse(event.body.occurredAt) - Date.now())).toBeLessThan(60_000);
    expect(event.body.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const payload = JSON.stringify(event.body);
    expect(payload).not.toContain(oldHash);
    expect(payload).not.toContain(newHash);
  });

  it('records nothing for the same change made as the application role, however it gets there', async () => {
    const keyId = await seedApiKey('tenant-a', 'c'.repeat(64));
    await asSuperuser('delete from messaging_outbox');

    const viaSetRole = await inSession(async (client) => {
      await client.query('set role core_app');
      await client.query(`select set_config('app.tenant_id', 'tenant-a', false)`);
      return client.query(`update api_keys set name = 'renamed' where id = $1`, [keyId]);
    });
    const asService = await inSession(async (client) => {
      await client.query('begin');
      await client.query(`select set_config('app.tenant_id', 'tenant-a', true)`);
      const deleted = await client.query(`delete from api_keys where id = $1`, [keyId]);
      await client.query('commit');
      return deleted;
    }, database.appUrl);

    expect(viaSetRole.rowCount).toBe(1);
    expect(asService.rowCount).toBe(1);
    expect(await auditEvents()).toEqual([]);
  });

  it("records the owner's insert of a tenant with the role it acted as", async () => {
    await inSession(async (client) => {
      await client.query('set role core_owner');
      await client.query(`select set_config('app.tenant_id', 'tenant-owner', false)`);
      await client.query(`insert into tenants (id, name) values ('tenant-owner', 'Made by hand')`);
    });

    const events = await auditEvents();
    expect(events.map((e) => e.body)).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: 'postgres' },
        action: 'tenant.insert',
        resource: { type: 'tenant', id: 'tenant-owner' },
        tenantId: 'tenant-owner',
        details: expect.objectContaining({ role: 'core_owner', sessionUser: 'postgres', table: 'tenants', count: 1 }),
      }),
    ]);
    expect(events[0].body.details).not.toHaveProperty('changedColumns');
  });

  it('records changes to tenants and tenant configs with the columns that changed', async () => {
    await asSuperuser(`update tenants set status = 'suspended', plan = 'pro' where id = 'tenant-b'`);
    await asSuperuser(`update tenant_configs set retention_days = 7 where tenant_id = 'tenant-b'`);

    const events = await auditEvents();
    expect(events.map((e) => [e.body.action, e.body.resource, e.body.tenantId, e.body.details?.changedColumns])).toEqual([
      ['tenant.update', { type: 'tenant', id: 'tenant-b' }, 'tenant-b', ['plan', 'status']],
      ['tenant_config.update', { type: 'tenant_config', id: 'tenant-b' }, 'tenant-b', ['retention_days']],
    ]);
  });

  it('records data keys inserted and deleted by hand without their wrapped bytes', async () => {
    const wrapped = Buffer.from('wrapped-data-key-material-0123456789');
    await asSuperuser(`insert into tenant_data_keys (tenant_id, key_id, wrapped, kek_id) values ('tenant-a', 'dk-1', $1, 'kek-1')`, [wrapped]);
    await asSuperuser(`delete from tenant_data_keys where tenant_id = 'tenant-a' and key_id = 'dk-1'`);

    const events = await auditEvents();
    expect(events.map((e) => [e.body.action, e.body.resource, e.tenant_id])).toEqual([
      ['data_key.insert', { type: 'data_key', id: 'dk-1' }, 'tenant-a'],
      ['data_key.delete', { type: 'data_key', id: 'dk-1' }, 'tenant-a'],
    ]);
    const payloads = JSON.stringify(events.map((e) => e.body));
    for (const encoding of ['utf8', 'hex', 'base64'] as const) expect(payloads).not.toContain(wrapped.toString(encoding));
  });

  it('records a bulk delete of 1,000 records as one event with the count and a bounded sample of ids', async () => {
    const records = await asSuperuser<{ id: string }>(insertRecords('tenant-a', 1_000));
    await asSuperuser('delete from messaging_outbox');

    await asSuperuser(`delete from storage_records where tenant_id = 'tenant-a'`);

    const events = await auditEvents();
    expect(events).toHaveLength(1);
    const { body } = events[0];
    expect(body).toMatchObject({ action: 'record.delete', resource: { type: 'record' }, tenantId: 'tenant-a', details: { count: 1000, table: 'storage_records' } });
    expect(body.resource).not.toHaveProperty('id');
    const sample = body.details?.sampleIds as string[];
    expect(sample).toHaveLength(100);
    expect(sample).toEqual([...sample].sort());
    const deleted = new Set(records.map((r) => r.id));
    expect(sample.every((id) => deleted.has(id))).toBe(true);
    expect(JSON.stringify(body)).not.toContain('secret-ciphertext');
  });

  it('writes one event per tenant a statement touched, sharing the transaction correlation id', async () => {
    await asSuperuser(insertRecords('tenant-a', 3));
    await asSuperuser(insertRecords('tenant-b', 2));
    await asSuperuser('delete from messaging_outbox');

    await asSuperuser(`delete from storage_records where tenant_id in ('tenant-a', 'tenant-b')`);

    const events = await auditEvents();
    expect(events.map((e) => [e.tenant_id, e.body.details?.count]).sort()).toEqual([
      ['tenant-a', 3],
      ['tenant-b', 2],
    ]);
    expect(new Set(events.map((e) => e.correlation_id)).size).toBe(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('gives every event of one transaction the same correlation id and the next transaction a new one', async () => {
    await inSession(async (client) => {
      await client.query('begin');
      await client.query(`update tenants set name = 'A1' where id = 'tenant-a'`);
      await client.query(`update tenant_configs set retention_days = 30 where tenant_id = 'tenant-a'`);
      await client.query('commit');
      await client.query(`update tenants set name = 'A2' where id = 'tenant-a'`);
    });

    const events = await auditEvents();
    expect(events).toHaveLength(3);
    expect(events[0].correlation_id).toBe(events[1].correlation_id);
    expect(events[2].correlation_id).not.toBe(events[0].correlation_id);
    expect(events[0].body.details?.txid).toBe(events[1].body.details?.txid);
  });

  it('records a delete that names a partition instead of storage_records', async () => {
    const [record] = await asSuperuser<{ id: string }>(insertRecords('tenant-b', 1));
    const [{ partition }] = await asSuperuser<{ partition: string }>(
      `select tableoid::regclass::text as partition from storage_records where id = $1`,
      [record.id],
    );
    await asSuperuser('delete from messaging_outbox');

    await asSuperuser(`delete from ${partition} where id = $1`, [record.id]);

    const events = await auditEvents();
    expect(events.map((e) => e.body)).toEqual([
      expect.objectContaining({
        action: 'record.delete',
        resource: { type: 'record', id: record.id },
        tenantId: 'tenant-b',
        details: expect.objectContaining({ table: partition, count: 1 }),
      }),
    ]);
  });

  it('gives partitions the service creates later the same triggers', async () => {
    await inSession(async (client) => {
      await client.query('set role core_app');
      await client.query(`select core_ensure_storage_partitions('2031-01-01', 1)`);
    });
    const [record] = await asSuperuser<{ id: string }>(insertRecords('tenant-a', 1, `'2031-01-15T00:00:00Z'`));
    await asSuperuser('delete from messaging_outbox');

    await asSuperuser(`delete from storage_records_p203101 where id = $1`, [record.id]);

    const events = await auditEvents();
    expect(events.map((e) => [e.body.action, e.body.resource.id, e.body.details?.table])).toEqual([
      ['record.delete', record.id, 'storage_records_p203101'],
    ]);
  });

  it('records a TRUNCATE as a platform event per truncated table', async () => {
    await asSuperuser(insertRecords('tenant-a', 2));
    const partitions = await asSuperuser<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'storage_records'::regclass order by 1`,
    );
    await asSuperuser('delete from messaging_outbox');

    await asSuperuser('truncate storage_records, storage_record_keys');
    await asSuperuser('truncate tenant_data_keys');

    const events = await auditEvents();
    const byAction = (action: string) => events.filter((e) => e.body.action === action);
    expect(byAction('record.truncate').map((e) => e.body.details?.table).sort()).toEqual(partitions.map((p) => p.name));
    expect(byAction('data_key.truncate')).toHaveLength(1);
    expect(events).toHaveLength(partitions.length + 1);
    for (const event of events) {
      expect(event.tenant_id).toBeNull();
      expect(event.body).not.toHaveProperty('tenantId');
      expect(event.body.resource).not.toHaveProperty('id');
      expect(event.body.details).toMatchObject({ path: 'database', role: 'postgres' });
    }
  });

  it('records nothing for a statement that changes no row', async () => {
    await asSuperuser(`update api_keys set name = 'x' where id = $1`, [randomUUID()]);
    await asSuperuser(`delete from storage_records where tenant_id = 'no-such-tenant'`);
    expect(await auditEvents()).toEqual([]);
  });

  it('still records with session_replication_role = replica, which silences ordinary triggers', async () => {
    await inSession(async (client) => {
      await client.query(`set session_replication_role = replica`);
      await client.query(`update tenants set plan = 'enterprise' where id = 'tenant-a'`);
    });

    expect((await auditEvents()).map((e) => e.body.action)).toEqual(['tenant.update']);
  });

  it('keeps a hand-made tenant id the contract refuses out of the event tenant, in details', async () => {
    await asSuperuser(`insert into tenants (id, name) values ('bad tenant/id', 'Hand-made')`);

    const [event] = await auditEvents();
    expect(event.tenant_id).toBeNull();
    expect(event.body).not.toHaveProperty('tenantId');
    expect(event.body.details).toMatchObject({ tenantId: 'bad tenant/id' });
  });

  it('lets the application role execute none of the audit functions', async () => {
    const rows = await asSuperuser<{ name: string; allowed: boolean }>(
      `select p.proname as name, has_function_privilege('core_app', p.oid, 'EXECUTE') as allowed from pg_proc p
       where p.proname in ('core_audit_out_of_band_change', 'core_audit_record_partition', 'core_new_traceparent') order by 1`,
    );
    expect(rows).toEqual([
      { name: 'core_audit_out_of_band_change', allowed: false },
      { name: 'core_audit_record_partition', allowed: false },
      { name: 'core_new_traceparent', allowed: false },
    ]);
    const [definer] = await asSuperuser<{ owner: string; secdef: boolean; config: string[] }>(
      `select pg_get_userbyid(proowner) as owner, prosecdef as secdef, proconfig as config from pg_proc where proname = 'core_audit_out_of_band_change'`,
    );
    expect(definer).toEqual({ owner: 'core_owner', secdef: true, config: ['search_path=public, pg_temp'] });
  });
});

describe('audit of changes made outside the service, through the relay', () => {
  let app: CoreStoreTestApp;

  const unsent = async () => (await app.sql<{ n: number }>(`select count(*)::int as n from messaging_outbox where sent_at is null`))[0].n;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it("delivers a psql change to audit-writer's subscription as the message of its outbox row", async () => {
    await app.createTenant('relay-a');
    expect(await until(unsent, (n) => n === 0, { timeoutMs: 15_000, intervalMs: 100 })).toBe(0);
    await app.drain('audit-events', 'audit-writer', { quietMs: 500 });

    await app.sql(`update api_keys set revoked_at = now() where tenant_id = 'relay-a'`);

    expect(await until(unsent, (n) => n === 0, { timeoutMs: 15_000, intervalMs: 100 })).toBe(0);
    const [row] = await app.sql<{ id: string; correlation_id: string }>(
      `select id, correlation_id from messaging_outbox where body ->> 'action' = 'api_key.update'`,
    );
    const messages = await app.drain('audit-events', 'audit-writer', { quietMs: 1_000 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId: row.id,
      subject: 'audit.event.v1',
      correlationId: row.correlation_id,
      applicationProperties: expect.objectContaining({ tenantId: 'relay-a' }),
    });
    expect(auditEventV1.parse(messages[0].body)).toMatchObject({
      actor: { type: 'user', id: 'postgres' },
      action: 'api_key.update',
      tenantId: 'relay-a',
      details: expect.objectContaining({ path: 'database', changedColumns: ['revoked_at'] }),
    });
  }, 60_000);
});
