import { inProduction, optional, setting } from '@comply/config';

/** Settings of services that cache. */
export const cacheSettings = {
  REDIS_URL: inProduction(
    optional(
      setting.url({
        protocols: ['redis', 'rediss'],
        secret: true,
        doc: 'Redis for caching (`rediss://` with TLS, e.g. Azure Cache for Redis). Unset: an in-process cache, fine for one replica.',
      }),
    ),
    {
      doc: 'required when `REPLICAS` > 1',
      problem: (url, config) =>
        url === undefined && Number(config.REPLICAS) > 1
          ? `is required in production when REPLICAS > 1 (it is ${config.REPLICAS}): each replica's in-process cache would keep serving entries another replica has changed or deleted`
          : undefined,
    },
  ),
  REPLICAS: setting.int({
    default: 1,
    min: 1,
    max: 1_000,
    doc: 'How many replicas of the service run at once. In production, more than 1 requires `REDIS_URL`: an in-process cache is only right for one replica.',
  }),
};
