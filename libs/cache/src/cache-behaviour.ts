import { Cache, getOrLoad, tenantKey } from './cache';

/**
 * What every Cache must do, as jest tests: run against the in-process cache (unit) and against a
 * real Redis (integration), so the local fallback cannot drift from production behaviour.
 */
export function describeCacheBehaviour(name: string, create: () => Cache, wait: (ms: number) => Promise<void>): void {
  describe(`${name}: cache behaviour`, () => {
    let cache: Cache;

    beforeEach(() => {
      cache = create();
    });

    afterEach(() => cache.close());

    it('returns what was set, as a copy', async () => {
      const value = { id: 'r-1', labels: ['PII.Identifier.SSN'], score: 0.97 };
      await cache.set('k1', value, 10_000);
      const read = await cache.get<typeof value>('k1');
      expect(read).toEqual(value);
      expect(read).not.toBe(value);
    });

    it('forgets an entry after its time to live', async () => {
      await cache.set('short', 'v', 50);
      await wait(120);
      expect(await cache.get('short')).toBeUndefined();
    });

    it('deletes entries (invalidation)', async () => {
      await cache.set('a', 1, 10_000);
      await cache.set('b', 2, 10_000);
      await cache.delete('a', 'b');
      expect([await cache.get('a'), await cache.get('b')]).toEqual([undefined, undefined]);
    });

    it('loads on a miss, serves the next read from the cache, and does not cache "not found"', async () => {
      let loads = 0;
      const load = async () => {
        loads += 1;
        return { loaded: loads };
      };
      expect(await getOrLoad(cache, 'x', 10_000, load)).toEqual({ loaded: 1 });
      expect(await getOrLoad(cache, 'x', 10_000, load)).toEqual({ loaded: 1 });
      expect(loads).toBe(1);
      let misses = 0;
      const missing = async () => {
        misses += 1;
        return undefined;
      };
      await getOrLoad(cache, 'gone', 10_000, missing);
      await getOrLoad(cache, 'gone', 10_000, missing);
      expect(misses).toBe(2);
    });

    it("keeps tenants apart: the same id under two tenants is two entries", async () => {
      await cache.set(tenantKey('tenant-a', 'record', 'r-1'), 'A', 10_000);
      expect(await cache.get(tenantKey('tenant-b', 'record', 'r-1'))).toBeUndefined();
      expect(await cache.get(tenantKey('tenant-a', 'record', 'r-1'))).toBe('A');
    });
  });
}
