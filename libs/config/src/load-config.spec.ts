import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { serviceNamed } from './service-catalog';
import { databaseSettings, serviceSettings } from './service-settings';
import { setting } from './setting';

const core = serviceNamed('core-store');
const spec = { ...serviceSettings(core), ...databaseSettings(core) };

describe('loadConfig', () => {
  it('fills every setting from its local default when the environment is empty', () => {
    const config = loadConfig(spec, {});
    expect(config.PORT).toBe(3001);
    expect(config.DB_NAME).toBe('core');
    expect(config.DB_USER).toBe('core_app');
    expect(config.DB_PASSWORD).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('parses values from the environment into their types', () => {
    const config = loadConfig(spec, { PORT: '8080', DB_STATEMENT_TIMEOUT_MS: '2500', DB_SSL: 'require' });
    expect(config.PORT).toBe(8080);
    expect(config.DB_STATEMENT_TIMEOUT_MS).toBe(2500);
    expect(config.DB_SSL).toBe('require');
  });

  it('names every malformed variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(spec, { PORT: 'eighty', LOG_LEVEL: 'loud', DB_STATEMENT_TIMEOUT_MS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(problems).toEqual(['DB_STATEMENT_TIMEOUT_MS', 'LOG_LEVEL', 'PORT']);
    expect((error as ConfigError).message).toContain('PORT: expected an integer');
    expect((error as ConfigError).message).toContain('LOG_LEVEL: expected one of fatal');
  });

  it('never echoes the value of a secret setting', () => {
    const secretSpec = { API_TOKEN: setting.string({ doc: 'token', secret: true, pattern: /^tok_/ }) };
    expect(() => loadConfig(secretSpec, { API_TOKEN: 'hunter2' })).toThrow(ConfigError);
    try {
      loadConfig(secretSpec, { API_TOKEN: 'hunter2' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('requires a setting that has neither a default nor is optional', () => {
    const requiredSpec = { ADMIN_TOKEN: setting.string({ doc: 'token' }) };
    expect(() => loadConfig(requiredSpec, {})).toThrow(/ADMIN_TOKEN: is required/);
  });

  it('refuses a NODE_ENV other than development, test or production, so a typo cannot skip the production rules', () => {
    expect(loadConfig(spec, {}).NODE_ENV).toBe('development');
    expect(() => loadConfig(spec, { NODE_ENV: 'prod' })).toThrow(/NODE_ENV: expected one of development, test, production/);
  });

  it('derives an unset setting from the others, and keeps a value that is set', () => {
    const derivedSpec = {
      WORKERS: setting.int({ default: 3, doc: 'workers' }),
      POOL: { ...setting.int({ doc: 'pool' }), derive: (config: Record<string, unknown>) => Number(config.WORKERS) * 2 },
    };
    expect(loadConfig(derivedSpec, { WORKERS: '5' }).POOL).toBe(10);
    expect(loadConfig(derivedSpec, { WORKERS: '5', POOL: '12' }).POOL).toBe(12);
  });

  it('reports a check across settings once every variable is well-formed', () => {
    const checkedSpec = {
      MIN: setting.int({ default: 1, doc: 'min' }),
      MAX: {
        ...setting.int({ default: 10, doc: 'max' }),
        check: (max: number, config: Record<string, unknown>) => (max < Number(config.MIN) ? 'is below MIN' : undefined),
      },
    };
    expect(() => loadConfig(checkedSpec, { MIN: '20' })).toThrow(/MAX: is below MIN/);
    expect(() => loadConfig(checkedSpec, { MIN: 'x' })).toThrow(/^Invalid configuration:\n {2}MIN: expected an integer \(got "x"\)$/);
  });

  it('rejects URLs with the wrong scheme', () => {
    const urlSpec = { DATABASE_URL: setting.url({ doc: 'db', protocols: ['postgres', 'postgresql'] }) };
    expect(() => loadConfig(urlSpec, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: expected a URL with scheme/);
    expect(loadConfig(urlSpec, { DATABASE_URL: 'postgres://u@h:1/d' }).DATABASE_URL).toBe('postgres://u@h:1/d');
  });
});
