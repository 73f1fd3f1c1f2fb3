import type { ApiKeyCreatedV1, ApiKeyRevokedV1, ApiKeyScope, TenantCreatedV1, TenantErasedV1, TenantUpdatedV1 } from '@comply/contracts';
import { createDatabaseClient, withTenant, type DatabaseClient } from '@comply/persistence';
import { createTestDatabase, PROPERTY_SEED, queryOnce, type TestDatabase } from '@comply/testing';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DirectoryReplicaRepository, ReplicaApiKeyDirectory } from './directory-replica.repository';

type DirectoryEvent =
  | { type: 'tenant.created.v1'; payload: TenantCreatedV1 }
  | { type: 'tenant.updated.v1'; payload: TenantUpdatedV1 }
  | { type: 'tenant.erased.v1'; payload: TenantErasedV1 }
  | { type: 'apikey.created.v1'; payload: ApiKeyCreatedV1 }
  | { type: 'apikey.revoked.v1'; payload: ApiKeyRevokedV1 };

const INSUFFICIENT_PRIVILEGE = '42501';
const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');
const at = (version: number) => new Date(BASE_TIME + version * 1_000).toISOString();

function tenantState(tenantId: string, version: number, overrides: Partial<TenantCreatedV1> = {}): TenantCreatedV1 {
  return { tenantId, name: `Tenant ${tenantId}`, plan: 'free', status: 'active', retentionDays: 365, version, occurredAt: at(version), ...overrides };
}

interface KeyFixture {
  keyId: string;
  tenantId: string;
  prefix: string;
  secretHash: string;
  scopes: ApiKeyScope[];
}

function keyOf(tenantId: string, index = Math.floor(Math.random() * 1e9)): KeyFixture {
  return {
    keyId: randomUUID(),
    tenantId,
    prefix: `k-${index}`.padEnd(12, 'x').slice(0, 12),
    secretHash: createHash('sha256').update(String(index)).digest('hex'),
    scopes: ['read'],
  };
}

const created = (key: KeyFixture, version = 1): DirectoryEvent => ({
  type: 'apikey.created.v1',
  payload: { ...key, createdAt: at(0), version },
});
const revoked = (key: KeyFixture, version = 2): DirectoryEvent => ({
  type: 'apikey.revoked.v1',
  payload: { ...key, createdAt: at(0), revokedAt: at(version), version },
});
const erased = (tenantId: string, version: number): DirectoryEvent => ({ type: 'tenant.erased.v1', payload: { tenantId, version, occurredAt: at(version) } });

/** The replica against a private, migrated billing database, written as billing_app so row-level security binds. */
describe('DirectoryReplicaRepository', () => {
  let database: TestDatabase;
  let app: DatabaseClient<Record<string, unknown>>;
  let admin: Client;
  const replica = new DirectoryReplicaRepository();

  /** Applies one event the way the handler does: in a transaction in the event's tenant context. */
  function apply(event: DirectoryEvent): Promise<unknown> {
    return withTenant(app.db, event.payload.tenantId, (tx): Promise<unknown> => {
      switch (event.type) {
        case 'tenant.created.v1':
        case 'tenant.updated.v1':
          return replica.applyTenant(tx, event.payload);
        case 'tenant.erased.v1':
          return replica.applyErasure(tx, event.payload);
        case 'apikey.created.v1':
        case 'apikey.revoked.v1':
          return replica.applyApiKey(tx, event.payload);
      }
    });
  }

  async function applyAll(events: DirectoryEvent[]): Promise<void> {
    for (const event of events) await apply(event);
  }

  /** Raw rows as the superuser sees them (RLS does not bind it). */
  async function tenantRow(tenantId: string) {
    const rows = await admin.query(`select name, plan, status, retention_days, version::int as version from directory_tenants where tenant_id = $1`, [tenantId]);
    return rows.rows[0];
  }

  async function keyRows(tenantId: string) {
    const rows = await admin.query(`select key_id, revoked_at is not null as revoked, version::int as version from directory_api_keys where tenant_id = $1`, [tenantId]);
    return rows.rows;
  }

  beforeAll(async () => {
    database = await createTestDatabase('billing');
    app = createDatabaseClient({ ...database.connection, DB_POOL_MAX: 4 }, { applicationName: 'directory-replica-spec' });
    admin = new Client({ connectionString: database.adminUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await app?.close();
    await database?.drop();
  });

  it('applies a newer version and ignores an older or repeated one', async () => {
    const tenantId = `t-${randomUUID()}`;
    expect(await apply({ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) })).toBe('arrived');
    expect(await apply({ type: 'tenant.updated.v1', payload: tenantState(tenantId, 3, { plan: 'pro', status: 'suspended', retentionDays: 730 }) })).toBe('changed');
    expect(await apply({ type: 'tenant.updated.v1', payload: tenantState(tenantId, 2, { plan: 'team' }) })).toBe('unchanged');
    expect(await apply({ type: 'tenant.updated.v1', payload: tenantState(tenantId, 3, { plan: 'team' }) })).toBe('unchanged');
    expect(await apply({ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) })).toBe('unchanged');
    expect(await tenantRow(tenantId)).toEqual({ name: `Tenant ${tenantId}`, plan: 'pro', status: 'suspended', retention_days: 730, version: 3 });
  });

  it('leaves a revoked key revoked when its creation is replayed', async () => {
    const tenantId = `t-${randomUUID()}`;
    const key = keyOf(tenantId);
    await applyAll([{ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) }, created(key), revoked(key)]);
    expect(await apply(created(key))).toBe(false);
    expect(await keyRows(tenantId)).toEqual([{ key_id: key.keyId, revoked: true, version: 2 }]);
  });

  it('keeps a key that arrives before its tenant; the lookup reports the tenant unknown until it arrives', async () => {
    const tenantId = `t-${randomUUID()}`;
    const key = keyOf(tenantId);
    const directory = new ReplicaApiKeyDirectory(app);
    expect(await apply(created(key))).toBe(true);
    expect(await directory.findByPrefix(key.prefix)).toEqual({
      keyId: key.keyId,
      tenantId,
      secretHash: key.secretHash,
      scopes: ['read'],
      revokedAt: null,
      tenantStatus: undefined,
    });
    await apply({ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) });
    expect(await directory.findByPrefix(key.prefix)).toMatchObject({ keyId: key.keyId, tenantStatus: 'active' });
    await apply(revoked(key));
    expect((await directory.findByPrefix(key.prefix))?.revokedAt).toEqual(new Date(at(2)));
    expect(await directory.findByPrefix('k-unknownxxx')).toBeUndefined();
  });

  it('erases for good: keys deleted, later key and tenant events ignored, the tombstone keeps no name', async () => {
    const tenantId = `t-${randomUUID()}`;
    const [first, second] = [keyOf(tenantId), keyOf(tenantId)];
    await applyAll([{ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) }, created(first), created(second)]);

    expect(await apply(erased(tenantId, 2))).toEqual({ erased: true, apiKeysDeleted: 2 });
    expect(await keyRows(tenantId)).toEqual([]);
    expect(await apply(created(keyOf(tenantId)))).toBe(false);
    expect(await apply(revoked(first, 5))).toBe(false);
    expect(await apply({ type: 'tenant.updated.v1', payload: tenantState(tenantId, 9) })).toBe('unchanged');
    expect(await keyRows(tenantId)).toEqual([]);
    expect(await tenantRow(tenantId)).toEqual({ name: null, plan: null, status: 'erased', retention_days: null, version: 2 });
    // A republished erasure is still an erasure: the handler runs the service's part again.
    expect(await apply(erased(tenantId, 2))).toEqual({ erased: true, apiKeysDeleted: 0 });
  });

  it('remembers the erasure of a tenant it never heard of, so its late keys are refused', async () => {
    const tenantId = `t-${randomUUID()}`;
    expect(await apply(erased(tenantId, 4))).toEqual({ erased: true, apiKeysDeleted: 0 });
    expect(await apply(created(keyOf(tenantId)))).toBe(false);
    expect(await apply({ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) })).toBe('unchanged');
    expect(await tenantRow(tenantId)).toMatchObject({ status: 'erased', version: 4 });
  });

  it('does not erase on an erasure older than what the replica holds', async () => {
    const tenantId = `t-${randomUUID()}`;
    const key = keyOf(tenantId);
    await applyAll([{ type: 'tenant.created.v1', payload: tenantState(tenantId, 5) }, created(key)]);
    expect(await apply(erased(tenantId, 3))).toEqual({ erased: false, apiKeysDeleted: 0 });
    expect(await keyRows(tenantId)).toHaveLength(1);
  });

  it('fails closed: without tenant context the app role sees and writes nothing, while the definer lookup finds the key', async () => {
    const tenantId = `t-${randomUUID()}`;
    const key = keyOf(tenantId);
    await applyAll([{ type: 'tenant.created.v1', payload: tenantState(tenantId, 1) }, created(key)]);

    expect((await app.db.execute(sql`select * from directory_tenants`)).rows).toEqual([]);
    expect((await app.db.execute(sql`select * from directory_api_keys`)).rows).toEqual([]);
    const other = await withTenant(app.db, 'someone-else', async (tx) => (await tx.execute(sql`select * from directory_api_keys where prefix = ${key.prefix}`)).rows);
    expect(other).toEqual([]);
    const mine = await withTenant(app.db, tenantId, async (tx) => (await tx.execute(sql`select key_id from directory_api_keys`)).rows);
    expect(mine).toEqual([{ key_id: key.keyId }]);

    const refusedByPolicy = { cause: expect.objectContaining({ code: INSUFFICIENT_PRIVILEGE, message: expect.stringMatching(/row-level security/) }) };
    await expect(
      app.db.execute(sql`insert into directory_tenants (tenant_id, status, version, changed_at) values ('sneaky', 'erased', 1, now())`),
    ).rejects.toMatchObject(refusedByPolicy);
    await expect(
      withTenant(app.db, 'someone-else', (tx) =>
        tx.execute(sql`insert into directory_tenants (tenant_id, status, version, changed_at) values (${tenantId}, 'erased', 99, now())`),
      ),
    ).rejects.toMatchObject(refusedByPolicy);

    expect(await new ReplicaApiKeyDirectory(app).findByPrefix(key.prefix)).toMatchObject({ keyId: key.keyId, tenantId, tenantStatus: 'active' });
  });

  it('converges on the same state whatever the order of delivery, with duplicates', async () => {
    const tenantIds = ['p-0', 'p-1', 'p-2'];
    const tenantChange = fc.record({
      name: fc.constantFrom('Acme', 'Globex', 'Initech'),
      plan: fc.constantFrom('free', 'pro'),
      status: fc.constantFrom('active' as const, 'suspended' as const),
      retentionDays: fc.integer({ min: 1, max: 3650 }),
    });
    const tenantHistory = (tenantId: string) =>
      fc.record({ changes: fc.array(tenantChange, { minLength: 1, maxLength: 4 }), erased: fc.boolean() }).map(({ changes, erased: isErased }) => {
        const events: DirectoryEvent[] = changes.map((change, index) => ({
          type: index === 0 ? 'tenant.created.v1' : 'tenant.updated.v1',
          payload: tenantState(tenantId, index + 1, change),
        }));
        return isErased ? [...events, erased(tenantId, changes.length + 1)] : events;
      });
    const keyHistory = (index: number) =>
      fc
        .record({
          tenantId: fc.constantFrom(...tenantIds),
          scopes: fc.subarray(['ingest', 'read', 'admin'] as ApiKeyScope[]),
          revoked: fc.boolean(),
        })
        .map(({ tenantId, scopes, revoked: isRevoked }) => {
          const key = { ...keyOf(tenantId, index), keyId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, scopes };
          return isRevoked ? [created(key), revoked(key)] : [created(key)];
        });
    const history = fc
      .tuple(
        fc.subarray(tenantIds, { minLength: 1 }).chain((known) => fc.tuple(...known.map(tenantHistory))),
        fc.integer({ min: 0, max: 4 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => keyHistory(index)))),
      )
      .map(([tenants, keys]) => [...tenants.flat(), ...keys.flat()]);
    const scenario = history.chain((events) =>
      fc
        .array(fc.constantFrom(...events), { maxLength: 6 })
        .chain((repeats) => fc.shuffledSubarray([...events, ...repeats], { minLength: events.length + repeats.length }))
        .map((delivered) => ({ events, delivered })),
    );

    const state = async () => ({
      tenants: (
        await admin.query(
          `select tenant_id, name, plan, status, retention_days, version::int as version, changed_at from directory_tenants order by tenant_id`,
        )
      ).rows,
      keys: (await admin.query(`select key_id, tenant_id, prefix, scopes, revoked_at, version::int as version from directory_api_keys order by key_id`)).rows,
    });
    const reset = () => admin.query('truncate directory_tenants, directory_api_keys');

    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, delivered }) => {
        await reset();
        await applyAll(events);
        const inOrder = await state();
        await reset();
        await applyAll(delivered);
        expect(await state()).toEqual(inOrder);
      }),
      { numRuns: 100, seed: PROPERTY_SEED },
    );
    await reset();
  }, 120_000);
});

/** The migration is one file for four databases whose roles differ: each grants the lookup to its own app role only. */
describe.each(['billing', 'analytics', 'audit', 'backup'] as const)('tenant_directory migration in %s', (logical) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(logical);
  });

  afterAll(() => database?.drop());

  it('forces row-level security, and lets only the app role call the lookup', async () => {
    const [tables] = await queryOnce<{ forced: boolean[] }>(
      database.adminUrl,
      `select array_agg(relrowsecurity and relforcerowsecurity) as forced from pg_class where relname in ('directory_tenants', 'directory_api_keys')`,
    );
    expect(tables.forced).toEqual([true, true]);
    const [grants] = await queryOnce<{ app: boolean; public_acl: boolean; definer: boolean; owner: string }>(
      database.adminUrl,
      `select has_function_privilege($1, 'directory_api_key_by_prefix(text)', 'execute') as app,
              coalesce(p.proacl::text ~ '(^|[{,])=X', true) as public_acl, p.prosecdef as definer, r.rolname as owner
         from pg_proc p join pg_roles r on r.oid = p.proowner where p.proname = 'directory_api_key_by_prefix'`,
      [database.roles.app],
    );
    expect(grants).toEqual({ app: true, public_acl: false, definer: true, owner: database.roles.owner });
  });
});
