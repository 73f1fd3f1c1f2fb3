import { Client } from 'pg';
import { DatabaseConnectionSettings } from './connection-options';
import { createDatabaseClient, DatabaseClient } from './database-client';
import { describeError } from './errors/error-description';

// Set by the test harness's globalSetup (libs/testing); read directly because the harness itself
// depends on this library.
function harnessAdminUrl(): string {
  const url = process.env.COMPLY_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('COMPLY_TEST_PG_ADMIN_URL is not set: run through jest with the harness globalSetup');
  return url;
}

function settingsFrom(url: string): DatabaseConnectionSettings {
  const parsed = new URL(url);
  return {
    DB_HOST: parsed.hostname,
    DB_PORT: Number(parsed.port || 5432),
    DB_NAME: parsed.pathname.slice(1) || 'postgres',
    DB_USER: decodeURIComponent(parsed.username),
    DB_PASSWORD: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    DB_AUTH: 'password',
    DB_SSL: 'disable',
    DB_POOL_MAX: 2,
    DB_STATEMENT_TIMEOUT_MS: 5_000,
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createDatabaseClient', () => {
  const adminUrl = harnessAdminUrl();
  let client: DatabaseClient;
  const errors: Error[] = [];

  beforeAll(() => {
    client = createDatabaseClient(settingsFrom(adminUrl), { applicationName: 'pool-error-spec', onPoolError: (error) => errors.push(error) });
  });

  afterAll(async () => {
    await client.close();
  });

  /** Ends a session from the server's side, as an operator or a failover would. */
  async function terminateBackend(pid: number): Promise<void> {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }

  it('reports an idle connection that the server terminates, and goes on serving queries', async () => {
    const { rows } = await client.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    await terminateBackend(rows[0].pid);
    await until(() => errors.length > 0);
    expect(errors.map(describeError)).toEqual(['SQLSTATE 57P01 admin_shutdown']);
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('survives the connection of a checked-out client dying between two queries: the next query fails, the pool replaces the client', async () => {
    const crashes: Error[] = [];
    const onUncaught = (error: Error) => crashes.push(error);
    process.on('uncaughtException', onUncaught);
    const checkedOut = await client.pool.connect();
    try {
      await checkedOut.query('BEGIN');
      const { rows } = await checkedOut.query<{ pid: number }>('select pg_backend_pid() as pid');
      await terminateBackend(rows[0].pid);
      // The server's FATAL message reaches the client while no query of it runs, as in a transaction awaiting other work.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(crashes).toEqual([]);
      await expect(checkedOut.query('select 1')).rejects.toThrow(/not queryable/);
    } finally {
      checkedOut.release();
      process.off('uncaughtException', onUncaught);
    }
    expect(client.pool.totalCount).toBe(0);
    await expect(client.ping()).resolves.toBeUndefined();
  });
});
