import { Module } from '@nestjs/common';
import { coreStoreOpenApi } from '@comply/contracts';
import { DocsModule } from '@comply/service-runtime';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { BackupsModule } from './backups/backups.module';
import { DirectoryModule } from './directory/directory.module';
import { RecordCacheModule } from './cache/record-cache.module';
import { EncryptionModule } from './encryption/encryption.module';
import { IngestModule } from './ingest/ingest.module';
import { JobsModule } from './jobs/jobs.module';
import { QuotaModule } from './quota/quota.module';
import { RecordsModule } from './records/records.module';
import { ReferenceModule } from './reference/reference.module';
import { TenantsModule } from './tenants/tenants.module';

/**
 * core-store: system of record for mapping results. Health, metrics, config, logging, the
 * database client and messaging come from the platform (libs/service-runtime); authentication,
 * field encryption and the cache are global to the feature modules below.
 */
@Module({
  imports: [AuthModule, TenantsModule, DirectoryModule, EncryptionModule, RecordCacheModule, IngestModule, QuotaModule, RecordsModule, ReferenceModule, AdminModule, JobsModule, BackupsModule, DocsModule.forDocument(coreStoreOpenApi)],
})
export class AppModule {}
