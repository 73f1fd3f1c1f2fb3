import { getOrLoad, tenantKey } from './cache';
import { describeCacheBehaviour } from './cache-behaviour';
import { InProcessCache } from './in-process-cache';

describeCacheBehaviour('InProcessCache', () => new InProcessCache(), (ms) => new Promise((r) => setTimeout(r, ms)));

describe('InProcessCache', () => {
  it('drops the oldest entries beyond its size bound', async () => {
    const cache = new InProcessCache(2);
    await cache.set('first', 1, 10_000);
    await cache.set('second', 2, 10_000);
    await cache.set('third', 3, 10_000);
    expect([await cache.get('first'), await cache.get('second'), await cache.get('third')]).toEqual([undefined, 2, 3]);
  });
});

describe('getOrLoad', () => {
  it('treats a failing cache as a miss and still answers from the source', async () => {
    const broken = {
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        throw new Error('ECONNREFUSED');
      },
      delete: async () => undefined,
      close: async () => undefined,
    };
    expect(await getOrLoad(broken, 'k', 1_000, async () => 'from database')).toBe('from database');
  });
});

describe('tenantKey', () => {
  it('cannot be forged by an id containing the separator', () => {
    expect(tenantKey('tenant-a', 'record', 'x')).not.toBe(tenantKey('tenant-a:record', 'x'));
    expect(tenantKey('a', 'b:c')).toBe('tenant:a:b%3Ac');
  });

  it('refuses an empty tenant', () => {
    expect(() => tenantKey('', 'record')).toThrow('tenantKey requires a tenant id');
  });
});
