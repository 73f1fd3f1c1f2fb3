/*
 * The real infrastructure the benchmarks run on, resolved the way the test harness does it:
 * PostgreSQL (and Redis) for a service's test app, or a scratch copy of the backup database
 * for the messaging benchmarks. Everything is torn down through `cleanups`.
 */
import { join } from 'node:path';
import { serviceOwning } from '@comply/config';
import { createDatabaseClient, DatabaseClient, databaseRoles, runMigrations, urlForDatabase } from '@comply/persistence';
import type { ServiceTestApp } from '@comply/service-testing';
import {
  describeBlobSource,
  describePostgres,
  queryOnce,
  resolveBlobStorage,
  resolvePostgres,
  resolveRedis,
  ResolvedPostgres,
  TEST_ADMIN_URL_VARIABLE,
  TEST_BLOB_CONNECTION_STRING_VARIABLE,
  TEST_REDIS_URL_VARIABLE,
  workspaceRoot,
} from '@comply/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Cleanup } from './bench-support';

/** PostgreSQL as the jest globalSetup of libs/testing hands it to a service's test app (billing needs no more). */
export async function useTestPostgres(cleanups: Cleanup[]): Promise<ResolvedPostgres> {
  const postgres = await resolvePostgres();
  cleanups.push(() => postgres.stop());
  process.env[TEST_ADMIN_URL_VARIABLE] = postgres.adminUrl;
  return postgres;
}

/** PostgreSQL and Redis as the jest globalSetup of libs/testing hands them to the core-store test app. */
export async function useTestAppInfrastructure(cleanups: Cleanup[]): Promise<{ postgres: ResolvedPostgres; redis: { source: string; url: string } }> {
  const postgres = await useTestPostgres(cleanups);
  const { redis, notes } = await resolveRedis();
  if (!redis) throw new Error(`no Redis: ${notes.join('; ')}`);
  cleanups.push(() => redis.stop());
  process.env[TEST_REDIS_URL_VARIABLE] = redis.url;
  return { postgres, redis };
}

/** Everything the whole platform needs, as the jest globalSetup hands it to the platform suites: PostgreSQL, Redis and blob storage. */
export async function usePlatformInfrastructure(cleanups: Cleanup[]): Promise<void> {
  const { postgres, redis } = await useTestAppInfrastructure(cleanups);
  const blob = await resolveBlobStorage();
  cleanups.push(() => blob.stop());
  process.env[TEST_BLOB_CONNECTION_STRING_VARIABLE] = blob.connectionString;
  process.stdout.write(`PostgreSQL: ${describePostgres(postgres)}; Redis: ${redis.source}; blob storage: ${describeBlobSource(blob)}\n`);
}

/**
 * Closes a service's test app, letting the service's connections end before its database is
 * dropped. The pool's end resolves once every client was told to end, while their backends may
 * still be running; the drop (WITH FORCE) then terminates them, and a terminated connection raises
 * an error in its client even as it ends (the outbox relay's LISTEN client, returned to the pool
 * with its error handler still attached, then releases itself a second time and throws).
 */
export async function closeTestApp(app: Pick<ServiceTestApp, 'service' | 'database' | 'close'>, serverAdminUrl: string): Promise<void> {
  await app.service.close();
  for (let attempt = 0; attempt < 250; attempt++) {
    const [{ connected }] = await queryOnce<{ connected: number }>(
      serverAdminUrl,
      'select count(*)::int as connected from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [app.database.name],
    );
    if (connected === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await app.close();
}

export interface ScratchBackupDatabase {
  /** "local server postgres://…", for the printed setup line. */
  description: string;
  /** As the superuser: fixtures and resets. */
  admin: Client;
  /** A pool as the application role, as a service connects. */
  connect(applicationName: string, poolMax?: number): DatabaseClient<Record<string, unknown>>;
}

/** A fresh, migrated copy of the backup database (it has the outbox and inbox), dropped afterwards. */
export async function scratchBackupDatabase(cleanups: Cleanup[]): Promise<ScratchBackupDatabase> {
  const postgres = await resolvePostgres();
  cleanups.push(() => postgres.stop());
  const name = `backup_bench_${randomBytes(4).toString('hex')}`;
  cleanups.push(async () => {
    const server = new Client({ connectionString: postgres.adminUrl });
    await server.connect();
    await server.query(`drop database if exists ${server.escapeIdentifier(name)} with (force)`);
    await server.end();
  });
  await runMigrations({
    adminUrl: postgres.adminUrl,
    database: 'backup',
    physicalDatabase: name,
    migrationsDir: join(workspaceRoot(), 'migrations'),
    withReader: serviceOwning('backup').hasReadOnlyRole,
  });
  const admin = new Client({ connectionString: urlForDatabase(postgres.adminUrl, name) });
  await admin.connect();
  cleanups.push(() => admin.end());
  // The application role, which the local and embedded servers trust on loopback.
  const server = new URL(postgres.adminUrl);
  const connect = (applicationName: string, poolMax = 10) => {
    const client = createDatabaseClient(
      {
        DB_HOST: server.hostname,
        DB_PORT: Number(server.port || 5432),
        DB_NAME: name,
        DB_USER: databaseRoles('backup').app,
        DB_PASSWORD: undefined,
        DB_AUTH: 'password',
        DB_SSL: 'disable',
        DB_POOL_MAX: poolMax,
        DB_STATEMENT_TIMEOUT_MS: 60_000,
      },
      { applicationName },
    );
    cleanups.push(() => client.close());
    return client;
  };
  return { description: describePostgres(postgres), admin, connect };
}
