import { createDatabaseClient, DatabaseClient, withTenant } from '@comply/persistence';
import { createTestDatabase, queryOnce, TestDatabase } from '@comply/testing';
import { eq, sql } from 'drizzle-orm';
import { Client } from 'pg';
import { CoreSchema, coreSchema, storageRecords, tenants } from './schema';

// drizzle wraps the driver's error; the cause is PostgreSQL's own.
const RLS_VIOLATION = {
  cause: expect.objectContaining({ code: '42501', message: expect.stringMatching(/violates row-level security policy/) }),
};

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
      `insert into storage_records (tenant_id, payload) values
         ('tenant-a', '{"label":"PII.Identifier.SSN"}'),
         ('tenant-a', '{"label":"PII.Contact.Email"}'),
         ('tenant-b', '{"label":"PCI.Card.Number"}')
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
      app.db.insert(storageRecords).values({ tenantId: 'tenant-a', payload: { label: 'x' } }),
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
      tx.update(storageRecords).set({ payload: { label: 'tampered' } }).where(eq(storageRecords.id, recordOfB)).returning(),
    );
    expect(updated).toEqual([]);
    const deleted = await withTenant(app.db, 'tenant-a', (tx) =>
      tx.delete(storageRecords).where(eq(storageRecords.id, recordOfB)).returning(),
    );
    expect(deleted).toEqual([]);
    const untouched = await asAdmin<{ payload: unknown }>('select payload from storage_records where id = $1', [recordOfB]);
    expect(untouched).toEqual([{ payload: { label: 'PCI.Card.Number' } }]);
  });

  it('does not let tenant A insert a row for tenant B, nor move its own row to B', async () => {
    await expect(
      withTenant(app.db, 'tenant-a', (tx) => tx.insert(storageRecords).values({ tenantId: 'tenant-b', payload: {} })),
    ).rejects.toMatchObject(RLS_VIOLATION);
    await expect(
      withTenant(app.db, 'tenant-a', (tx) =>
        tx.update(storageRecords).set({ tenantId: 'tenant-b' }).where(eq(storageRecords.id, recordOfA)),
      ),
    ).rejects.toMatchObject(RLS_VIOLATION);
  });

  it('lets a tenant write its own rows, and forgets the context when the transaction ends', async () => {
    const [created] = await withTenant(app.db, 'tenant-b', (tx) =>
      tx.insert(storageRecords).values({ tenantId: 'tenant-b', payload: { label: 'new' } }).returning(),
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
});
