import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { inProduction, requiredInProduction } from './production-mode';
import { optional, setting } from './setting';

const spec = {
  VAULT_URL: inProduction(
    optional(setting.url({ protocols: ['https'], doc: 'vault' })),
    requiredInProduction('a local key file would be used instead'),
  ),
  WORKERS: setting.int({ default: 1, doc: 'workers' }),
  SHARED_STORE: inProduction(optional(setting.string({ secret: true, doc: 'store' })), {
    doc: 'required when WORKERS > 1',
    problem: (store, config) => (store === undefined && Number(config.WORKERS) > 1 ? 'is required when WORKERS > 1' : undefined),
  }),
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(spec, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('production requirements', () => {
  it('are not evaluated outside production: every local default is accepted', () => {
    expect(problemsOf({ WORKERS: '4' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development', WORKERS: '4' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test', WORKERS: '4' })).toEqual([]);
  });

  it('refuse an unset required setting in production, naming it and saying why', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['VAULT_URL: is required in production: a local key file would be used instead']);
  });

  it('report every unmet requirement together', () => {
    expect(problemsOf({ NODE_ENV: 'production', WORKERS: '2' })).toEqual([
      'VAULT_URL: is required in production: a local key file would be used instead',
      'SHARED_STORE: is required when WORKERS > 1',
    ]);
  });

  it('pass a configuration that meets them', () => {
    expect(problemsOf({ NODE_ENV: 'production', WORKERS: '2', VAULT_URL: 'https://v.example', SHARED_STORE: 's3cr3t' })).toEqual([]);
  });

  it('are listed for the docs with what production needs', () => {
    expect(spec.VAULT_URL.production?.doc).toBe('required');
    expect(spec.SHARED_STORE.production?.doc).toBe('required when WORKERS > 1');
  });
});
