import { randomUUID } from 'node:crypto';
import { testRedisUrl } from '@comply/testing';
import { describeCacheBehaviour } from './cache-behaviour';
import { RedisCache } from './redis-cache';

// A prefix per run keeps parallel suites (and earlier runs) out of each other's keys.
const prefix = `cache-spec:${randomUUID()}:`;

describeCacheBehaviour('RedisCache', () => new RedisCache(testRedisUrl(), prefix), (ms) => new Promise((r) => setTimeout(r, ms)));

describe('RedisCache', () => {
  it('stores under its service prefix with the TTL in Redis itself', async () => {
    const cache = new RedisCache(testRedisUrl(), prefix);
    const raw = new RedisCache(testRedisUrl(), '');
    try {
      await cache.set('k', { v: 1 }, 60_000);
      expect(await raw.get(`${prefix}k`)).toEqual({ v: 1 });
      expect(await raw.get('k')).toBeUndefined();
    } finally {
      await cache.delete('k');
      await Promise.all([cache.close(), raw.close()]);
    }
  });
});
