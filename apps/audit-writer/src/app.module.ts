import { Module } from '@nestjs/common';
import { auditWriterOpenApi } from '@comply/contracts';
import { DocsModule } from '@comply/service-runtime';
import { TenantDirectoryModule } from '@comply/tenant-directory';
import { ArchivalModule } from './archival/archival.module';
import { CaptureModule } from './capture/capture.module';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { AuditEventsModule } from './events/audit-events.module';
import { AuditExportModule } from './export/audit-export.module';
import { LogAccessModule } from './log-access/log-access.module';
import { PartitionsModule } from './partitions/partitions.module';
import { AuditProofsModule } from './proofs/audit-proofs.module';
import { ReportsModule } from './reports/reports.module';
import { VerificationModule } from './verification/verification.module';

/**
 * audit-writer: append-only, tamper-evident audit trail.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere. Tenants and API
 * keys come from the tenant directory's replica (libs/tenant-directory), which also serves
 * GET /v1/whoami.
 */
@Module({
  imports: [
    TenantDirectoryModule.forReplica(),
    PartitionsModule,
    CaptureModule,
    LogAccessModule,
    AuditEventsModule,
    CheckpointsModule,
    VerificationModule,
    AuditProofsModule,
    ReportsModule,
    AuditExportModule,
    ArchivalModule,
    DocsModule.forDocument(auditWriterOpenApi),
  ],
})
export class AppModule {}
