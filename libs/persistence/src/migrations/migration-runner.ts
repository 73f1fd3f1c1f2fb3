import { Client } from 'pg';
import { databaseRoles, DatabaseRoles } from '../database-roles';
import { ensureDatabase, ensureDatabaseAccess, ensureRoles } from './database-bootstrap';
import { MigrationFile, readMigrationFiles } from './migration-files';
import { compareMigrations, describeStatus, MIGRATIONS_TABLE, readAppliedMigrations } from './migration-status';

export interface MigrateOptions {
  /** URL of a role that may create roles and databases (or at least owns the target database). */
  adminUrl: string;
  /** Logical database: names the migrations folder and the roles. */
  database: string;
  /** Physical database name; differs from the logical one for test clones. */
  physicalDatabase?: string;
  migrationsDir: string;
  withReader?: boolean;
  /**
   * Apply migrations only up to and including this file name (a restore rebuilds the schema of
   * its snapshot, not a newer one). Refused when the code has no migration of that name.
   */
  upTo?: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  database: string;
  created: boolean;
  applied: string[];
}

/** Edited or unknown migrations: the database and the code disagree about history. */
export class MigrationHistoryError extends Error {
  override name = 'MigrationHistoryError';
}

// Advisory lock keys: one for cluster-wide bootstrap, one per database for its migrations.
const BOOTSTRAP_LOCK = "hashtext('comply:bootstrap')";
const MIGRATE_LOCK = "hashtext('comply:migrate')";

export function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'comply-migrate' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withAdvisoryLock<T>(client: Client, key: string, work: () => Promise<T>): Promise<T> {
  await client.query(`select pg_advisory_lock(${key})`);
  try {
    return await work();
  } finally {
    await client.query(`select pg_advisory_unlock(${key})`);
  }
}

async function ensureMigrationsTable(client: Client, roles: DatabaseRoles): Promise<void> {
  const readers = [roles.app, roles.reader].filter((r): r is string => Boolean(r));
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(roles.owner)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS public.${MIGRATIONS_TABLE} (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL
    )`);
    // Services read it (as their app role) to report readiness.
    for (const role of readers) {
      await client.query(`GRANT SELECT ON public.${MIGRATIONS_TABLE} TO ${client.escapeIdentifier(role)}`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function applyMigration(client: Client, roles: DatabaseRoles, file: MigrationFile): Promise<void> {
  const started = Date.now();
  await client.query('BEGIN');
  try {
    // Objects belong to the owner role, never to whoever happens to run the migration.
    await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(roles.owner)}`);
    await client.query(file.sql);
    await client.query(`INSERT INTO public.${MIGRATIONS_TABLE} (name, checksum, duration_ms) VALUES ($1, $2, $3)`, [
      file.name,
      file.checksum,
      Date.now() - started,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${file.name} failed and was rolled back: ${detail}`, { cause: error });
  }
}

function migrationsUpTo(files: MigrationFile[], options: MigrateOptions): MigrationFile[] {
  if (options.upTo === undefined) return files;
  const last = files.findIndex((file) => file.name === options.upTo);
  if (last < 0) {
    throw new MigrationHistoryError(
      `Cannot migrate ${options.database} up to ${options.upTo}: no migration of that name in ${options.migrationsDir}/${options.database}`,
    );
  }
  return files.slice(0, last + 1);
}

/**
 * Brings one database up to date: roles, database, access grants, then every pending migration
 * in its own transaction, under an advisory lock so concurrent runners apply each file once.
 * Refuses to run when an applied migration was edited or is unknown to this code.
 */
export async function runMigrations(options: MigrateOptions): Promise<MigrateResult> {
  const physical = options.physicalDatabase ?? options.database;
  const roles = databaseRoles(options.database, { withReader: options.withReader });
  const files = migrationsUpTo(readMigrationFiles(options.migrationsDir, options.database), options);
  const log = options.log ?? (() => undefined);

  const created = await withClient(options.adminUrl, (admin) =>
    withAdvisoryLock(admin, BOOTSTRAP_LOCK, async () => {
      await ensureRoles(admin, roles);
      return ensureDatabase(admin, physical, roles);
    }),
  );
  if (created) log(`created database ${physical}`);

  const applied = await withClient(urlForDatabase(options.adminUrl, physical), (client) =>
    withAdvisoryLock(client, MIGRATE_LOCK, async () => {
      await ensureDatabaseAccess(client, physical, roles);
      await ensureMigrationsTable(client, roles);
      const status = compareMigrations(files, (await readAppliedMigrations(client)) ?? []);
      if (status.edited.length || status.unknown.length) {
        throw new MigrationHistoryError(
          `Refusing to migrate ${physical}: ${describeStatus({ ...status, pending: [] })}. Never edit an applied migration; add a new one.`,
        );
      }
      const pending = files.filter((f) => status.pending.includes(f.name));
      for (const file of pending) {
        await applyMigration(client, roles, file);
        log(`${physical}: applied ${file.name}`);
      }
      return pending.map((f) => f.name);
    }),
  );
  return { database: physical, created, applied };
}
