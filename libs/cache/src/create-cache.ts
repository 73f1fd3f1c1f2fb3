import { Cache } from './cache';
import { InProcessCache } from './in-process-cache';
import { RedisCache } from './redis-cache';

export interface CacheSettings {
  /** redis:// or rediss:// URL; unset means an in-process cache (local development). */
  REDIS_URL: string | undefined;
}

/** Redis when configured, otherwise the in-process fallback. `prefix` separates services sharing one Redis. */
export function createCache(settings: CacheSettings, prefix: string): Cache {
  return settings.REDIS_URL ? new RedisCache(settings.REDIS_URL, `${prefix}:`) : new InProcessCache();
}
