import { ConfigError, loadConfig } from '@comply/config';
import { cacheSettings } from './cache-settings';

const production = { NODE_ENV: 'production' };

describe('cacheSettings', () => {
  it('defaults to one replica and an in-process cache', () => {
    expect(loadConfig(cacheSettings, {})).toEqual({ REDIS_URL: undefined, REPLICAS: 1 });
  });

  it('accepts an in-process cache in production for one replica', () => {
    expect(loadConfig(cacheSettings, production).REDIS_URL).toBeUndefined();
  });

  it('refuses to start in production with several replicas and no Redis, naming REDIS_URL', () => {
    let error: unknown;
    try {
      loadConfig(cacheSettings, { ...production, REPLICAS: '3' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'REDIS_URL', message: expect.stringMatching(/^is required in production when REPLICAS > 1 \(it is 3\): /) },
    ]);
  });

  it('accepts several replicas sharing Redis in production, and several replicas without it elsewhere', () => {
    expect(loadConfig(cacheSettings, { ...production, REPLICAS: '3', REDIS_URL: 'rediss://cache.example:6380' }).REPLICAS).toBe(3);
    expect(loadConfig(cacheSettings, { REPLICAS: '3' }).REDIS_URL).toBeUndefined();
  });
});
