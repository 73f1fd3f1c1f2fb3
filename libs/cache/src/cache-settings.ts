import { optional, setting } from '@comply/config';

/** Settings of services that cache. */
export const cacheSettings = {
  REDIS_URL: optional(
    setting.url({
      protocols: ['redis', 'rediss'],
      secret: true,
      doc: 'Redis for caching (`rediss://` with TLS, e.g. Azure Cache for Redis). Unset: an in-process cache, fine for one replica.',
    }),
  ),
};
