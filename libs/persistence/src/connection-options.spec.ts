import { DatabaseConnectionSettings, poolConfigFrom, requiresTls } from './connection-options';

const base: DatabaseConnectionSettings = {
  DB_HOST: '127.0.0.1',
  DB_PORT: 5432,
  DB_NAME: 'core',
  DB_USER: 'core_app',
  DB_PASSWORD: undefined,
  DB_AUTH: 'password',
  DB_SSL: 'auto',
  DB_POOL_MAX: 7,
  DB_STATEMENT_TIMEOUT_MS: 2500,
};

describe('pool configuration', () => {
  it.each([
    ['127.0.0.1', 'auto', false],
    ['localhost', 'auto', false],
    ['::1', 'auto', false],
    ['comply-core.postgres.database.azure.com', 'auto', true],
    ['10.0.0.5', 'auto', true],
    ['127.0.0.1', 'require', true],
    ['db.example.com', 'disable', false],
  ] as const)('host %s with DB_SSL=%s requires TLS: %s', (host, mode, expected) => {
    expect(requiresTls({ DB_HOST: host, DB_SSL: mode })).toBe(expected);
  });

  it('verifies the server certificate whenever TLS is on', () => {
    const config = poolConfigFrom({ ...base, DB_HOST: 'core.postgres.database.azure.com' }, { applicationName: 'core-store' });
    expect(config.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('carries pool size, statement timeout, application name and the password', () => {
    const config = poolConfigFrom({ ...base, DB_PASSWORD: 'pw' }, { applicationName: 'core-store' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      database: 'core',
      user: 'core_app',
      password: 'pw',
      max: 7,
      statement_timeout: 2500,
      application_name: 'core-store',
      ssl: false,
    });
  });

  it('asks Entra ID for the password when DB_AUTH=entra', async () => {
    const credential = { getToken: jest.fn(async () => ({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 })) };
    const config = poolConfigFrom({ ...base, DB_AUTH: 'entra', DB_PASSWORD: 'ignored' }, { applicationName: 'x', credential });
    expect(typeof config.password).toBe('function');
    expect(await (config.password as () => Promise<string>)()).toBe('entra-token');
  });
});
