import { Module } from '@nestjs/common';
import { TenantDirectoryModule } from '@comply/tenant-directory';

/**
 * backup-worker: backups to immutable blob storage, verification, restore.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere. Tenants and API
 * keys come from the tenant directory's replica (libs/tenant-directory), which also serves
 * GET /v1/whoami.
 */
@Module({ imports: [TenantDirectoryModule.forReplica()] })
export class AppModule {}
