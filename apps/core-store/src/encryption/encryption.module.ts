import { Global, Module } from '@nestjs/common';
import { createKeyEncryptionKey, FieldEncryptor } from '@comply/crypto';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { CoreStoreConfig } from '../core-store-settings';
import { DataKeysRepository } from './data-keys.repository';

/** Field encryption with per-tenant data keys kept in the core database, wrapped by Key Vault or the local key file. */
@Global()
@Module({
  providers: [
    DataKeysRepository,
    {
      provide: FieldEncryptor,
      inject: [SERVICE_CONFIG, DataKeysRepository],
      useFactory: async (config: CoreStoreConfig, store: DataKeysRepository) =>
        new FieldEncryptor({ kek: await createKeyEncryptionKey(config), store, cacheTtlMs: config.DATA_KEY_CACHE_TTL_MS }),
    },
  ],
  exports: [FieldEncryptor, DataKeysRepository],
})
export class EncryptionModule {}
