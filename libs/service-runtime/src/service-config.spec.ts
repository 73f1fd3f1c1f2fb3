import { cacheSettings } from '@comply/cache';
import { ConfigError, ConfigProblem, loadConfig, serviceNamed } from '@comply/config';
import { cryptoSettings } from '@comply/crypto';
import { serviceConfigSpec } from './service-config';

const coreStore = serviceNamed('core-store');
const billing = serviceNamed('billing');
/** The settings with production requirements that core-store reads besides the common ones. */
const coreStoreSpec = serviceConfigSpec(coreStore, { ...cacheSettings, ...cryptoSettings });

/** Everything production needs, for a core-store with three replicas. */
const productionEnv = {
  NODE_ENV: 'production',
  DB_HOST: 'comply-core.postgres.database.azure.com',
  DB_AUTH: 'entra',
  SERVICEBUS_NAMESPACE: 'comply.servicebus.windows.net',
  KEYVAULT_URL: 'https://comply.vault.azure.net',
  REDIS_URL: 'rediss://comply.redis.cache.windows.net:6380',
  REPLICAS: '3',
};

function problemsOf(env: NodeJS.ProcessEnv): ConfigProblem[] {
  try {
    loadConfig(coreStoreSpec, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('database pool size', () => {
  it("is derived from the service's subscriptions and CONSUMER_CONCURRENCY, plus the relay and HTTP", () => {
    // core-store consumes 3 subscriptions, billing 2 (usage, tenant directory); the relay holds LISTEN plus two rounds: 3 × 4 + 3 + 4 and 2 × 4 + 3 + 4.
    expect(loadConfig(serviceConfigSpec(coreStore, {}), {}).DB_POOL_MAX).toBe(19);
    expect(loadConfig(serviceConfigSpec(billing, {}), {}).DB_POOL_MAX).toBe(15);
    expect(loadConfig(serviceConfigSpec(coreStore, {}), { CONSUMER_CONCURRENCY: '16' }).DB_POOL_MAX).toBe(55);
  });

  it('keeps an explicit size that leaves consumers, relay and HTTP a connection each', () => {
    expect(loadConfig(serviceConfigSpec(coreStore, {}), { DB_POOL_MAX: '16' }).DB_POOL_MAX).toBe(16);
  });

  it('refuses an explicit size below what consumers and relay hold at once plus one for HTTP, with the numbers', () => {
    const problems = problemsOf({ DB_POOL_MAX: '10', CONSUMER_CONCURRENCY: '16' });
    expect(problems).toEqual([
      {
        variable: 'DB_POOL_MAX',
        message:
          'is 10, but core-store consumes 3 subscription(s) × CONSUMER_CONCURRENCY 16 + 3 for the outbox relay + 1 for HTTP = 52 connections at once;' +
          ' raise DB_POOL_MAX, lower CONSUMER_CONCURRENCY, or leave DB_POOL_MAX unset to derive it',
      },
    ]);
    expect(problemsOf({ DB_POOL_MAX: '15' }).map((p) => p.variable)).toEqual(['DB_POOL_MAX']);
  });
});

describe('production readiness of a service', () => {
  it('accepts an environment that configures everything production needs', () => {
    expect(problemsOf(productionEnv)).toEqual([]);
  });

  it('refuses DB_SSL=disable', () => {
    expect(problemsOf({ ...productionEnv, DB_SSL: 'disable' })).toEqual([
      { variable: 'DB_SSL', message: 'is disable, but production connects to PostgreSQL over TLS only; set DB_SSL=require' },
    ]);
  });

  it('refuses DB_SSL=auto when DB_HOST is local (no TLS), and accepts DB_SSL=require there', () => {
    expect(problemsOf({ ...productionEnv, DB_HOST: '127.0.0.1' })).toEqual([
      {
        variable: 'DB_SSL',
        message: "is auto, which means no TLS for the local DB_HOST 127.0.0.1, but production connects to PostgreSQL over TLS only; set DB_SSL=require or DB_HOST to the server's name",
      },
    ]);
    expect(problemsOf({ ...productionEnv, DB_HOST: '127.0.0.1', DB_SSL: 'require' })).toEqual([]);
  });

  it('refuses the Service Bus emulator', () => {
    const { SERVICEBUS_NAMESPACE: _namespace, ...withoutNamespace } = productionEnv;
    expect(problemsOf(withoutNamespace).map((p) => p.variable)).toEqual(['SERVICEBUS_CONNECTION_STRING']);
  });

  it('refuses a service that encrypts fields without KEYVAULT_URL', () => {
    const { KEYVAULT_URL: _vault, ...withoutVault } = productionEnv;
    expect(problemsOf(withoutVault).map((p) => p.variable)).toEqual(['KEYVAULT_URL']);
  });

  it('refuses a service that caches, expecting several replicas, without REDIS_URL', () => {
    const { REDIS_URL: _redis, ...withoutRedis } = productionEnv;
    expect(problemsOf(withoutRedis).map((p) => p.variable)).toEqual(['REDIS_URL']);
    expect(problemsOf({ ...withoutRedis, REPLICAS: '1' })).toEqual([]);
  });

  it('reports every problem of the local defaults at once, the pool size among them, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig(coreStoreSpec, { NODE_ENV: 'production', REPLICAS: '2', DB_POOL_MAX: '5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(
      ['DB_POOL_MAX', 'DB_SSL', 'KEYVAULT_URL', 'REDIS_URL', 'SERVICEBUS_CONNECTION_STRING'].sort(),
    );
    expect((error as ConfigError).message).not.toContain('SharedAccessKey=');
  });

  it('applies none of this outside production', () => {
    expect(problemsOf({ NODE_ENV: 'test', REPLICAS: '2' })).toEqual([]);
  });
});
