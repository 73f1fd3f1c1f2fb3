import { createDatabaseClient, DatabaseClient, withTenant } from '@comply/persistence';
import { createTestDatabase, queryOnce, TestDatabase } from '@comply/testing';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { apiKeys, complianceMappings, CoreSchema, coreSchema, storageRecords, taxonomyLabels, tenants } from './schema';

// drizzle wraps the driver's error; the cause is PostgreSQL's own.
const RLS_VIOLATION = {
  cause: expect.objectContaining({ code: '42501', message: expect.stringMatching(/violates row-level security policy/) }),
};

const RECORD_COLUMNS =
  'id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version, taxonomy, taxonomy_paths, scores, confidence, latency_ms, source_data, correlation_id, occurred_at, expires_at';

/** SQL values of a storage_records row labelled `label`, for the admin connection. */
function recordValues(tenantId: string, label: string): string {
  return `gen_random_uuid(), '${tenantId}', gen_random_uuid()::text, 'presidio', 'pii', '2.2', 'mapper-1', array['${label}'], array['${label}'],
    '{}', 0.9, 12, 'v1.k.ciphertext', 'corr', now(), now() + interval '30 days'`;
}

/** A record as core-store's application role would insert it. */
function recordOf(tenantId: string) {
  return {
    id: randomUUID(),
    tenantId,
    requestId: randomUUID(),
    detectorName: 'presidio',
    detectorType: 'pii',
    detectorVersion: '2.2',
    modelVersion: 'mapper-1',
    taxonomy: ['PII.Person.Name'],
    taxonomyPaths: ['PII', 'PII.Person', 'PII.Person.Name'],
    scores: { 'PII.Person.Name': 0.9 },
    confidence: 0.9,
    latencyMs: 3,
    sourceData: 'v1.k.ciphertext',
    correlationId: 'corr',
    occurredAt: new Date(),
    expiresAt: new Date(Date.now() + 86_400_000),
  };
}

/**
 * Row-level security on the core database, exercised exactly as core-store connects: as the
 * application role `core_app`, through withTenant().
 */
describe('tenant isolation in the core database', () => {
  let database: TestDatabase;
  let app: DatabaseClient<CoreSchema>;
  let recordOfA: string;
  let recordOfB: string;

  const asAdmin = <T extends object>(text: string, values: unknown[] = []) => queryOnce<T>(database.adminUrl, text, values);

  beforeAll(async () => {
    database = await createTestDatabase('core');
    await asAdmin(`insert into tenants (id, name) values ('tenant-a', 'Acme'), ('tenant-b', 'Globex')`);
    const inserted = await asAdmin<{ id: string; tenant_id: string }>(
      `insert into storage_records (${RECORD_COLUMNS}) values
         (${recordValues('tenant-a', 'PII.Identifier.SSN')}),
         (${recordValues('tenant-a', 'PII.Contact.Email')}),
         (${recordValues('tenant-b', 'PCI.Card.Number')})
       returning id, tenant_id`,
    );
    recordOfA = inserted.find((r) => r.tenant_id === 'tenant-a')!.id;
    recordOfB = inserted.find((r) => r.tenant_id === 'tenant-b')!.id;
    // One pooled connection, so every test also proves that context does not leak between transactions.
    app = createDatabaseClient(
      { ...database.connection, DB_POOL_MAX: 1 },
      { applicationName: 'tenant-isolation-spec', schema: coreSchema },
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('connects as an application role that owns nothing and cannot bypass RLS', async () => {
    const rows = await app.db.execute<{ user: string; rolbypassrls: boolean; rolsuper: boolean }>(
      sql`select current_user as user, rolbypassrls, rolsuper from pg_roles where rolname = current_user`,
    );
    expect(rows.rows[0]).toEqual({ user: 'core_app', rolbypassrls: false, rolsuper: false });
    const owned = await app.db.execute(sql`select 1 from pg_tables where tableowner = current_user`);
    expect(owned.rows).toHaveLength(0);
  });

  it('refuses to open a tenant transaction without a tenant id', async () => {
    await expect(withTenant(app.db, '  ', (tx) => tx.select().from(storageRecords))).rejects.toThrow(
      'withTenant requires a non-empty tenant id',
    );
  });

  it('returns no rows without a tenant context (fail closed)', async () => {
    expect(await app.db.select().from(storageRecords)).toEqual([]);
    expect(await app.db.select().from(tenants)).toEqual([]);
  });

  it('rejects an insert without a tenant context', async () => {
    await expect(
      app.db.insert(storageRecords).values(recordOf('tenant-a')),
    ).rejects.toMatchObject(RLS_VIOLATION);
  });

  it('shows tenant A only its own rows', async () => {
    const rows = await withTenant(app.db, 'tenant-a', (tx) => tx.select().from(storageRecords));
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set(['tenant-a']));
    const visibleTenants = await withTenant(app.db, 'tenant-a', (tx) => tx.select().from(tenants));
    expect(visibleTenants.map((t) => t.id)).toEqual(['tenant-a']);
  });

  it('does not let tenant A read, update or delete a row of tenant B', async () => {
    const read = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.select().from(storageRecords).where(eq(storageRecords.id, recordOfB)),
    );
    expect(read).toEqual([]);
    const updated = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.update(storageRecords).set({ modelVersion: 'tampered' }).where(eq(storageRecords.id, recordOfB)).returning(),
    );
    expect(updated).toEqual([]);
    const deleted = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.delete(storageRecords).where(eq(storageRecords.id, recordOfB)).returning(),
    );
    expect(deleted).toEqual([]);
    const untouched = await asAdmin<{ model_version: string }>('select model_version from storage_records where id = $1', [recordOfB]);
    expect(untouched).toEqual([{ model_version: 'mapper-1' }]);
  });

  it('does not let tenant A insert a row for tenant B, nor move its own row to B', async () => {
    await expect(
      withTenant(app.db, 'tenant-a', (tx) => tx.insert(storageRecords).values(recordOf('tenant-b'))),
    ).rejects.toMatchObject(RLS_VIOLATION);
    await expect(
      withTenant(app.db, 'tenant-a', (tx) =>
        tx.update(storageRecords).set({ tenantId: 'tenant-b' }).where(eq(storageRecords.id, recordOfA)),
      ),
    ).rejects.toMatchObject(RLS_VIOLATION);
  });

  it('lets a tenant write its own rows, and forgets the context when the transaction ends', async () => {
    const [created] = await withTenant(app.db, 'tenant-b', (tx) =>
      tx.insert(storageRecords).values(recordOf('tenant-b')).returning(),
    );
    expect(created.tenantId).toBe('tenant-b');
    // Same (only) pooled connection, no context: nothing visible again.
    expect(await app.db.select().from(storageRecords)).toEqual([]);
    const setting = await app.db.execute<{ tenant: string | null }>(sql`select current_setting('app.tenant_id', true) as tenant`);
    expect(setting.rows[0].tenant ?? '').toBe('');
  });

  it('binds even the owner role, because RLS is forced', async () => {
    const client = new Client({ connectionString: database.adminUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('set local role core_owner');
      const owned = await client.query<{ count: string }>('select count(*) from storage_records');
      await client.query('rollback');
      expect(owned.rows[0].count).toBe('0');
    } finally {
      await client.end();
    }
  });

  it('fails closed on every tenant table', async () => {
    await asAdmin(`insert into tenant_configs (tenant_id) values ('tenant-a'), ('tenant-b')`);
    for (const table of ['tenant_configs', 'tenant_usage', 'storage_record_keys', 'tenant_data_keys', 'api_keys', 'storage_records', 'tenants']) {
      const policies = await asAdmin<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        'select relrowsecurity, relforcerowsecurity from pg_class where relname = $1',
        [table],
      );
      expect({ table, ...policies[0] }).toEqual({ table, relrowsecurity: true, relforcerowsecurity: true });
      const rows = await app.db.execute(sql.raw(`select * from ${table}`));
      expect({ table, rows: rows.rows }).toEqual({ table, rows: [] });
    }
    const configs = await withTenant(app.db, 'tenant-b', (tx) => tx.execute<{ tenant_id: string }>(sql`select tenant_id from tenant_configs`));
    expect(configs.rows).toEqual([{ tenant_id: 'tenant-b' }]);
  });

  it('keeps monthly partitions reachable only through the parent table', async () => {
    const partitions = await asAdmin<{ relname: string }>(
      `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'storage_records'::regclass order by 1`,
    );
    expect(partitions.length).toBeGreaterThanOrEqual(5);
    const current = `storage_records_p${new Date().toISOString().slice(0, 7).replace('-', '')}`;
    expect(partitions.map((p) => p.relname)).toContain(current);
    await expect(app.db.execute(sql.raw(`select * from ${current}`))).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '42501', message: expect.stringMatching(/permission denied/) }),
    });
  });

  it('creates partitions ahead on demand and drops only empty past ones', async () => {
    const created = await app.db.execute<{ name: string }>(sql`select core_ensure_storage_partitions('2020-01-15', 2) as name`);
    expect(created.rows.map((r) => r.name)).toEqual(['storage_records_p202001', 'storage_records_p202002']);
    const again = await app.db.execute(sql`select core_ensure_storage_partitions('2020-01-01', 2)`);
    expect(again.rows).toEqual([]);
    await asAdmin(
      `insert into storage_records (${RECORD_COLUMNS}, created_at) values (${recordValues('tenant-a', 'PII.Person.Name')}, '2020-02-10T00:00:00Z')`,
    );
    const dropped = await app.db.execute<{ name: string }>(sql`select core_drop_empty_storage_partitions('2020-03-01') as name`);
    // January was empty; February holds a row; later months are not before the cut-off.
    expect(dropped.rows.map((r) => r.name)).toEqual(['storage_records_p202001']);
  });

  it('answers cross-tenant lookups only through the definer functions, with nothing but what they return', async () => {
    await asAdmin(`insert into api_keys (tenant_id, name, prefix, secret_hash, scopes) values ('tenant-b', 'ci', 'pfx-b', 'hash-b', '{read}')`);
    expect((await app.db.select().from(apiKeys)).length).toBe(0);
    const found = await app.db.execute(sql`select tenant_id, secret_hash, scopes, tenant_status from core_api_key_by_prefix('pfx-b')`);
    expect(found.rows).toEqual([{ tenant_id: 'tenant-b', secret_hash: 'hash-b', scopes: ['read'], tenant_status: 'active' }]);
    const ids = await app.db.execute<{ id: string }>(sql`select core_tenant_ids(array['active']) as id`);
    expect(ids.rows.map((r) => r.id)).toEqual(['tenant-a', 'tenant-b']);
  });

  it('shows global reference data to every tenant but lets a tenant change only its own', async () => {
    const labels = await withTenant(app.db, 'tenant-a', (tx) => tx.select().from(taxonomyLabels));
    expect(labels.find((l) => l.label === 'PII.Identifier.SSN')).toMatchObject({ tenantId: null, parentLabel: 'PII.Identifier' });
    const mappings = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.select().from(complianceMappings).where(eq(complianceMappings.framework, 'HIPAA')),
    );
    expect(mappings.map((m) => m.controlId)).toContain('164.312(a)(1)');
    const changed = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.update(taxonomyLabels).set({ description: 'tampered' }).where(eq(taxonomyLabels.label, 'PII')).returning(),
    );
    expect(changed).toEqual([]);
    await withTenant(app.db, 'tenant-a', (tx) =>
      tx.insert(taxonomyLabels).values({ tenantId: 'tenant-a', label: 'PII.Custom.EmployeeId', parentLabel: 'PII', description: 'Employee number' }),
    );
    const seenByB = await withTenant(app.db, 'tenant-b', (tx) => tx.select().from(taxonomyLabels).where(eq(taxonomyLabels.label, 'PII.Custom.EmployeeId')));
    expect(seenByB).toEqual([]);
    await expect(
      withTenant(app.db, 'tenant-a', (tx) => tx.insert(taxonomyLabels).values({ label: 'PII.Global.Forged', description: 'x' })),
    ).rejects.toMatchObject(RLS_VIOLATION);
  });
});
