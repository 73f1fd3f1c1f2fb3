/**
 * Cache-aside with tenant-namespaced keys: ioredis when REDIS_URL is set, an in-process cache
 * otherwise.
 */
export { getOrLoad, tenantKey, type Cache } from './cache';
export { cacheSettings } from './cache-settings';
export { createCache, type CacheSettings } from './create-cache';
export { InProcessCache } from './in-process-cache';
export { RedisCache } from './redis-cache';
