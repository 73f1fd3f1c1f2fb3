import { Global, Module } from '@nestjs/common';
import { createKeyEncryptionKey, FieldEncryptor } from '@comply/crypto';
import { DATABASE_CLIENT, SERVICE_CONFIG } from '@comply/service-runtime';
import { CoreStoreConfig } from '../core-store-settings';
import { CoreDatabase } from '../database/core-database';
import { PgDataKeyStore } from './pg-data-key-store';

/** Field encryption with per-tenant data keys kept in the core database, wrapped by Key Vault or the local key file. */
@Global()
@Module({
  providers: [
    {
      provide: FieldEncryptor,
      inject: [SERVICE_CONFIG, DATABASE_CLIENT],
      useFactory: async (config: CoreStoreConfig, database: CoreDatabase) =>
        new FieldEncryptor({
          kek: await createKeyEncryptionKey(config),
          store: new PgDataKeyStore(database),
          cacheTtlMs: config.DATA_KEY_CACHE_TTL_MS,
        }),
    },
  ],
  exports: [FieldEncryptor],
})
export class EncryptionModule {}
