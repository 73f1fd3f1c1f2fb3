import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Cache, createCache } from '@comply/cache';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { CoreStoreConfig } from '../core-store-settings';

export const RECORD_CACHE = Symbol('RECORD_CACHE');

/** Redis (or the in-process fallback) for read-through caching, keys prefixed `core-store:` and namespaced by tenant. */
@Global()
@Module({
  providers: [{ provide: RECORD_CACHE, inject: [SERVICE_CONFIG], useFactory: (config: CoreStoreConfig) => createCache(config, 'core-store') }],
  exports: [RECORD_CACHE],
})
export class RecordCacheModule implements OnApplicationShutdown {
  constructor(@Inject(RECORD_CACHE) private readonly cache: Cache) {}

  async onApplicationShutdown() {
    await this.cache.close();
  }
}
