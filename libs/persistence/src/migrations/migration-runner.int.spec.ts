import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BACKUP_ROLE } from '../database-roles';
import { readMigrationFiles } from './migration-files';
import { MigrationHistoryError, runMigrations, urlForDatabase } from './migration-runner';
import { isCurrent, migrationStatus } from './migration-status';

// A logical database of its own, so its roles (cluster-wide) belong to this suite alone.
const LOGICAL = 'migrunnerspec';

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

// Set by the test harness's globalSetup (libs/testing); read directly because the harness itself
// depends on this library.
function harnessAdminUrl(): string {
  const url = process.env.COMPLY_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('COMPLY_TEST_PG_ADMIN_URL is not set: run through jest with the harness globalSetup');
  return url;
}

describe('runMigrations', () => {
  const adminUrl = harnessAdminUrl();
  const migrationsDir = mkdtempSync(join(tmpdir(), 'comply-migrations-'));
  const folder = join(migrationsDir, LOGICAL);
  const created: string[] = [];

  function freshDatabase(): string {
    const name = `${LOGICAL}_${randomBytes(4).toString('hex')}`;
    created.push(name);
    return name;
  }

  function writeMigration(name: string, sql: string): void {
    writeFileSync(join(folder, name), sql);
  }

  beforeEach(() => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    writeMigration('0000_privileges.sql', `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO ${LOGICAL}_app;`);
    writeMigration('0001_widgets.sql', 'CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL);');
  });

  afterAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    for (const role of ['app', 'owner']) {
      await admin.query(`DROP ROLE IF EXISTS ${LOGICAL}_${role}`);
    }
    await admin.end();
    rmSync(migrationsDir, { recursive: true, force: true });
  }, 60_000);

  it('creates the database, applies pending files in order once, and records name and checksum', async () => {
    const database = freshDatabase();
    const first = await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    expect(first).toEqual({ database, created: true, applied: ['0000_privileges.sql', '0001_widgets.sql'] });

    writeMigration('0002_widget_colour.sql', 'ALTER TABLE widgets ADD COLUMN colour text;');
    const second = await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    expect(second.applied).toEqual(['0002_widget_colour.sql']);
    expect(second.created).toBe(false);

    const rows = await query<{ name: string; checksum: string }>(
      urlForDatabase(adminUrl, database),
      'select name, checksum from schema_migrations order by name',
    );
    const files = readMigrationFiles(migrationsDir, LOGICAL);
    expect(rows).toEqual(files.map((f) => ({ name: f.name, checksum: f.checksum })));
  });

  it('makes the owner role own every object, and leaves the app role unable to change the schema', async () => {
    const database = freshDatabase();
    await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    const owners = await query<{ tableowner: string }>(
      urlForDatabase(adminUrl, database),
      "select tableowner from pg_tables where schemaname = 'public' order by tablename",
    );
    expect(owners.map((o) => o.tableowner)).toEqual([`${LOGICAL}_owner`, `${LOGICAL}_owner`]);

    const appUrl = new URL(urlForDatabase(adminUrl, database));
    appUrl.username = `${LOGICAL}_app`;
    appUrl.password = '';
    await expect(query(appUrl.toString(), 'CREATE TABLE sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(query(appUrl.toString(), 'DROP TABLE widgets')).rejects.toThrow(/must be owner/);
    const inserted = await query(appUrl.toString(), "INSERT INTO widgets VALUES (1, 'a') RETURNING id");
    expect(inserted).toEqual([{ id: 1 }]);
  });

  it('applies migrations only up to the one named by upTo, and refuses a name the code does not have', async () => {
    const database = freshDatabase();
    writeMigration('0002_gadgets.sql', 'CREATE TABLE gadgets (id int);');
    const partial = await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir, upTo: '0001_widgets.sql' });
    expect(partial.applied).toEqual(['0000_privileges.sql', '0001_widgets.sql']);

    await expect(
      runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir, upTo: '0009_missing.sql' }),
    ).rejects.toThrow(/up to 0009_missing.sql: no migration of that name/);
    const rest = await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    expect(rest.applied).toEqual(['0002_gadgets.sql']);
  });

  it('gives the backup role CONNECT and read access to every table, bypassing RLS, and no way to write', async () => {
    const database = freshDatabase();
    writeMigration(
      '0002_secrets.sql',
      `CREATE TABLE secrets (tenant text NOT NULL, value text NOT NULL);
       INSERT INTO secrets VALUES ('t1', 'a'), ('t2', 'b');
       ALTER TABLE secrets ENABLE ROW LEVEL SECURITY; ALTER TABLE secrets FORCE ROW LEVEL SECURITY;
       CREATE POLICY by_tenant ON secrets USING (tenant = current_setting('app.tenant_id', true));`,
    );
    await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    const backupUrl = new URL(urlForDatabase(adminUrl, database));
    backupUrl.username = BACKUP_ROLE;
    backupUrl.password = '';
    const rows = await query<{ value: string }>(backupUrl.toString(), 'select value from secrets order by value');
    expect(rows.map((r) => r.value)).toEqual(['a', 'b']);
    await expect(query(backupUrl.toString(), "INSERT INTO widgets VALUES (9, 'x')")).rejects.toThrow(/read-only transaction/);
    await expect(
      query(backupUrl.toString(), "BEGIN READ WRITE; INSERT INTO widgets VALUES (9, 'x'); COMMIT"),
    ).rejects.toThrow(/permission denied/);
    const [role] = await query<{ rolbypassrls: boolean; rolsuper: boolean; memberships: string[] }>(
      adminUrl,
      `select rolbypassrls, rolsuper, array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
         where m.member = r.oid order by 1)::text[] as memberships from pg_roles r where rolname = '${BACKUP_ROLE}'`,
    );
    expect(role).toEqual({ rolbypassrls: true, rolsuper: false, memberships: ['pg_read_all_data', 'pg_read_all_stats'] });
  });

  it('refuses to run when an applied migration was edited, applying nothing', async () => {
    const database = freshDatabase();
    await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    appendFileSync(join(folder, '0001_widgets.sql'), '\nCREATE INDEX widgets_name ON widgets (name);');
    writeMigration('0002_more.sql', 'CREATE TABLE more_widgets (id int);');

    await expect(runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir })).rejects.toThrow(
      MigrationHistoryError,
    );
    const tables = await query<{ tablename: string }>(
      urlForDatabase(adminUrl, database),
      "select tablename from pg_tables where schemaname = 'public' order by tablename",
    );
    expect(tables.map((t) => t.tablename)).toEqual(['schema_migrations', 'widgets']);
  });

  it('rolls a failing migration back completely and keeps the ones before it', async () => {
    const database = freshDatabase();
    writeMigration('0002_broken.sql', 'CREATE TABLE half_done (id int);\nSELECT no_such_function();');
    await expect(runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir })).rejects.toThrow(
      /0002_broken.sql failed and was rolled back: function no_such_function\(\) does not exist/,
    );
    const url = urlForDatabase(adminUrl, database);
    const tables = await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public' order by 1");
    expect(tables.map((t) => t.tablename)).toEqual(['schema_migrations', 'widgets']);
    const applied = await query<{ name: string }>(url, 'select name from schema_migrations order by name');
    expect(applied.map((a) => a.name)).toEqual(['0000_privileges.sql', '0001_widgets.sql']);
  });

  it('lets concurrent runners race safely: every migration is applied exactly once', async () => {
    const database = freshDatabase();
    for (let i = 2; i < 8; i++) writeMigration(`000${i}_step_${i}.sql`, `INSERT INTO widgets VALUES (${i}, 'step ${i}');`);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir })),
    );
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, 0, 8]);
    const widgets = await query<{ count: string }>(urlForDatabase(adminUrl, database), 'select count(*) from widgets');
    expect(widgets[0].count).toBe('6');
  });

  it('reports status for readiness: pending until migrated, current after', async () => {
    const database = freshDatabase();
    await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
    writeMigration('0002_later.sql', 'CREATE TABLE later (id int);');
    const files = readMigrationFiles(migrationsDir, LOGICAL);
    const client = new Client({ connectionString: urlForDatabase(adminUrl, database) });
    await client.connect();
    try {
      const before = await migrationStatus(client, files);
      expect(before).toEqual({ pending: ['0002_later.sql'], edited: [], unknown: [] });
      expect(isCurrent(before)).toBe(false);
      await runMigrations({ adminUrl, database: LOGICAL, physicalDatabase: database, migrationsDir });
      expect(isCurrent(await migrationStatus(client, files))).toBe(true);
    } finally {
      await client.end();
    }
  });
});
