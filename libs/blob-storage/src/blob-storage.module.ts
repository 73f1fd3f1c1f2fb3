import { DynamicModule, Global, Inject, InjectionToken, Module, OnModuleInit } from '@nestjs/common';
import type { BlobStorageConfig } from './blob-storage-settings';
import { BlobStore } from './blob-store';
import { createBlobStore } from './create-blob-store';

/**
 * Provides the service's `BlobStore` (its container, from `blobStorageSettings`) to every module of
 * the service, and creates the container at start if it is missing, so that a wrong endpoint or
 * missing permission stops the start instead of the first backup.
 */
@Global()
@Module({})
export class BlobStorageModule implements OnModuleInit {
  constructor(@Inject(BlobStore) private readonly store: BlobStore) {}

  /**
   * `configToken`: the provider of the service's validated configuration, which includes
   * `blobStorageSettings(service)`; in a service, `SERVICE_CONFIG` of @comply/service-runtime.
   */
  static forService(configToken: InjectionToken): DynamicModule {
    return {
      module: BlobStorageModule,
      providers: [{ provide: BlobStore, inject: [configToken], useFactory: (config: BlobStorageConfig) => createBlobStore(config) }],
      exports: [BlobStore],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.store.ensureContainer();
  }
}
