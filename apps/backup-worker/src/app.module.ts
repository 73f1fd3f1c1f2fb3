import { Module } from '@nestjs/common';
import { BlobStorageModule } from '@comply/blob-storage';
import { backupWorkerOpenApi } from '@comply/contracts';
import { DocsModule, SERVICE_CONFIG } from '@comply/service-runtime';
import { TenantDirectoryModule } from '@comply/tenant-directory';
import { ArchivesModule } from './archives/archives.module';
import { BackupsModule } from './backups/backups.module';
import { RetentionModule } from './retention/retention.module';
import { VerificationModule } from './verification/verification.module';

/**
 * backup-worker: backups to immutable blob storage, verification, restore.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere. Tenants and API
 * keys come from the tenant directory's replica (libs/tenant-directory), which also serves
 * GET /v1/whoami.
 */
@Module({
  imports: [
    TenantDirectoryModule.forReplica(),
    BlobStorageModule.forService(SERVICE_CONFIG),
    BackupsModule,
    ArchivesModule,
    VerificationModule,
    RetentionModule,
    DocsModule.forDocument(backupWorkerOpenApi),
  ],
})
export class AppModule {}
