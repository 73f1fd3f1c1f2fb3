import { createTestDatabase, queryOnce, TestDatabase, until } from '@comply/testing';
import { createServiceRuntime, ServiceRuntime } from './service-runtime';

describe('createServiceRuntime', () => {
  let database: TestDatabase;
  let runtime: ServiceRuntime;

  beforeAll(async () => {
    database = await createTestDatabase('core');
    runtime = createServiceRuntime({ service: 'core-store', messaging: false, env: { ...database.serviceEnv, LOG_LEVEL: 'silent' } });
  });

  afterAll(async () => {
    await runtime?.database.close();
    await database?.drop();
  });

  it('logs a pooled connection that the server terminates as a warning with its code, and keeps serving', async () => {
    const warn = jest.spyOn(runtime.logger, 'warn');
    const [{ pid }] = (await runtime.database.pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
    await queryOnce(database.adminUrl, 'select pg_terminate_backend($1)', [pid]);
    await until(async () => warn.mock.calls.length, (calls) => calls > 0, { timeoutMs: 5_000, intervalMs: 20 });
    expect(warn.mock.calls).toEqual([
      [
        { error: 'SQLSTATE 57P01 admin_shutdown' },
        'database: an idle pooled connection failed; the pool replaces it',
      ],
    ]);
    await expect(runtime.database.ping()).resolves.toBeUndefined();
  });
});
