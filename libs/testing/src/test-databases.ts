import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseName, serviceOwning } from '@comply/config';
import {
  databaseRoles,
  DatabaseConnectionSettings,
  DatabaseRoles,
  ensureDatabaseAccess,
  fingerprintOf,
  readMigrationFiles,
  runMigrations,
  urlForDatabase,
} from '@comply/persistence';
import { Client } from 'pg';
import { workspaceRoot } from '@comply/local-infra';

export const TEST_ADMIN_URL_VARIABLE = 'COMPLY_TEST_PG_ADMIN_URL';

export interface TestDatabase {
  /** Logical name (`core`), which decides migrations and roles. */
  logical: DatabaseName;
  /** Physical name of this suite's private copy. */
  name: string;
  roles: DatabaseRoles;
  /** Superuser/admin URL of this database: for arranging fixtures and inspecting raw rows. */
  adminUrl: string;
  /** URL as the application role, exactly how the service connects. */
  appUrl: string;
  /** URL as the read-only role, where the database has one. */
  readerUrl?: string;
  /** The DB_* environment a service needs to connect to this database as its app role. */
  serviceEnv: Record<string, string>;
  /** The same, parsed, for createDatabaseClient(). */
  connection: DatabaseConnectionSettings;
  drop(): Promise<void>;
}

const OBJECT_IN_USE = '55006';
const TEMPLATE_LOCK = "hashtext('comply:test-templates')";

export function testAdminUrl(): string {
  const url = process.env[TEST_ADMIN_URL_VARIABLE];
  if (!url) {
    throw new Error(
      `${TEST_ADMIN_URL_VARIABLE} is not set: a suite that needs PostgreSQL is a *.int.spec.ts or *.e2e.spec.ts, run by a jest.config.ts made with testTiers (tools/jest/test-tiers.ts)`,
    );
  }
  return url;
}

/** Runs `work` on one connection to `url` (an admin URL of the test server), closed afterwards. */
export async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Login roles need a password only when the server does not trust loopback. It is derived from
 * the admin URL, so concurrent test processes agree on it without sharing state.
 */
function rolePassword(adminUrl: string, role: string): string | undefined {
  if (!new URL(adminUrl).password) return undefined;
  return createHash('sha256').update(`${adminUrl}\0${role}`).digest('hex').slice(0, 32);
}

function roleUrl(adminUrl: string, database: string, role: string): string {
  const url = new URL(urlForDatabase(adminUrl, database));
  url.username = role;
  url.password = rolePassword(adminUrl, role) ?? '';
  return url.toString();
}

/**
 * Migrates a template database once per migration fingerprint; later calls (any process) reuse it.
 * Templates of the same database with an older fingerprint are dropped.
 */
async function ensureTemplate(adminUrl: string, logical: DatabaseName): Promise<string> {
  const migrationsDir = join(workspaceRoot(), 'migrations');
  const fingerprint = fingerprintOf(readMigrationFiles(migrationsDir, logical)).slice(0, 12);
  const template = `comply_tpl_${logical}_${fingerprint}`;
  const withReader = serviceOwning(logical).hasReadOnlyRole;
  return withAdmin(adminUrl, async (admin) => {
    await admin.query(`select pg_advisory_lock(${TEMPLATE_LOCK})`);
    try {
      const existing = await admin.query<{ datname: string; datistemplate: boolean }>(
        `select datname, datistemplate from pg_database where datname like $1`,
        [`comply\\_tpl\\_${logical}\\_%`],
      );
      for (const row of existing.rows) {
        if (row.datname === template && row.datistemplate) continue;
        // Stale fingerprint, or a template whose build was interrupted.
        await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(row.datname)} IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE ${admin.escapeIdentifier(row.datname)} WITH (FORCE)`);
      }
      if (!existing.rows.some((row) => row.datname === template && row.datistemplate)) {
        await runMigrations({ adminUrl, database: logical, physicalDatabase: template, migrationsDir, withReader });
        await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(template)} IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      }
      const roles = databaseRoles(logical, { withReader });
      for (const role of [roles.app, roles.reader].filter((r): r is string => Boolean(r))) {
        const password = rolePassword(adminUrl, role);
        if (password) await admin.query(`ALTER ROLE ${admin.escapeIdentifier(role)} PASSWORD '${password}'`);
      }
      return template;
    } finally {
      await admin.query(`select pg_advisory_unlock(${TEMPLATE_LOCK})`);
    }
  });
}

async function cloneTemplate(admin: Client, template: string, name: string, owner: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(
        `CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)} OWNER ${admin.escapeIdentifier(owner)}`,
      );
      return;
    } catch (error) {
      // Another process cloning the same template at this instant holds it briefly.
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

/**
 * A private, fully migrated copy of one service database for one test suite, made in
 * milliseconds by cloning a template. Call `drop()` in afterAll.
 */
export async function createTestDatabase(logical: DatabaseName): Promise<TestDatabase> {
  const adminUrl = testAdminUrl();
  const template = await ensureTemplate(adminUrl, logical);
  const roles = databaseRoles(logical, { withReader: serviceOwning(logical).hasReadOnlyRole });
  const name = `${logical}_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => cloneTemplate(admin, template, name, roles.owner));
  await withAdmin(urlForDatabase(adminUrl, name), (client) => ensureDatabaseAccess(client, name, roles));

  const server = new URL(adminUrl);
  const appPassword = rolePassword(adminUrl, roles.app);
  const connection: DatabaseConnectionSettings = {
    DB_HOST: server.hostname,
    DB_PORT: Number(server.port || 5432),
    DB_NAME: name,
    DB_USER: roles.app,
    DB_PASSWORD: appPassword,
    DB_AUTH: 'password',
    DB_SSL: 'disable',
    DB_POOL_MAX: 5,
    DB_STATEMENT_TIMEOUT_MS: 15_000,
  };
  return {
    logical,
    name,
    roles,
    adminUrl: urlForDatabase(adminUrl, name),
    appUrl: roleUrl(adminUrl, name, roles.app),
    readerUrl: roles.reader ? roleUrl(adminUrl, name, roles.reader) : undefined,
    connection,
    serviceEnv: {
      DB_HOST: connection.DB_HOST,
      DB_PORT: String(connection.DB_PORT),
      DB_NAME: name,
      DB_USER: roles.app,
      ...(appPassword ? { DB_PASSWORD: appPassword } : {}),
      DB_SSL: 'disable',
    },
    drop: () =>
      withAdmin(adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}
