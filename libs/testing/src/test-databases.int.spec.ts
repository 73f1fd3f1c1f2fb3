import { queryOnce as run } from './query-once';
import { createTestDatabase, testAdminUrl } from './test-databases';

describe('createTestDatabase', () => {
  it('gives each caller a private, migrated copy that is gone after drop()', async () => {
    const [one, two] = await Promise.all([createTestDatabase('core'), createTestDatabase('core')]);
    try {
      expect(one.name).not.toBe(two.name);
      await run(one.adminUrl, `insert into tenants (id, name) values ('only-in-one', 'x')`);
      expect(await run(one.adminUrl, 'select id from tenants')).toEqual([{ id: 'only-in-one' }]);
      expect(await run(two.adminUrl, 'select id from tenants')).toEqual([]);
      const applied = await run<{ name: string }>(two.appUrl, 'select name from schema_migrations order by name');
      expect(applied.map((m) => m.name)).toContain('0002_tenant_isolation.sql');
    } finally {
      await Promise.all([one.drop(), two.drop()]);
    }
    const left = await run(testAdminUrl(), `select datname from pg_database where datname in ('${one.name}', '${two.name}')`);
    expect(left).toEqual([]);
  });

  it('lets only the owning service role connect, and gives analytics a read-only role', async () => {
    const analytics = await createTestDatabase('analytics');
    try {
      await run(analytics.adminUrl, 'set role analytics_owner; create table rollups (day date primary key, events int)');
      await run(analytics.adminUrl, `insert into rollups values ('2026-11-01', 3)`);
      expect(await run(analytics.readerUrl!, 'select events from rollups')).toEqual([{ events: 3 }]);
      await expect(run(analytics.readerUrl!, 'delete from rollups')).rejects.toThrow(/permission denied/);
      const coreAppUrl = new URL(analytics.appUrl);
      coreAppUrl.username = 'core_app';
      await expect(run(coreAppUrl.toString(), 'select 1')).rejects.toThrow(/permission denied for database/);
    } finally {
      await analytics.drop();
    }
  });
});
