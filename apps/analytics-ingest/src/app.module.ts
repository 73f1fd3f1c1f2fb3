import { Module } from '@nestjs/common';
import { analyticsOpenApi } from '@comply/contracts';
import { DocsModule } from '@comply/service-runtime';
import { TenantDirectoryModule } from '@comply/tenant-directory';
import { BackupsModule } from './backups/backups.module';
import { BillingModule } from './billing/billing.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { TenantErasureRepository } from './erasure/tenant-erasure.repository';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { RecordsModule } from './records/records.module';
import { ReportsModule } from './reports/reports.module';
import { RollupsModule } from './rollups/rollups.module';

/**
 * analytics-ingest: rollup tables that dashboards read, and the reports over them.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere. Tenants and API
 * keys come from the tenant directory's replica (libs/tenant-directory), which also serves
 * GET /v1/whoami.
 */
@Module({
  imports: [
    TenantDirectoryModule.forReplica({ erasure: TenantErasureRepository }),
    RollupsModule,
    RecordsModule,
    BillingModule,
    BackupsModule,
    MaintenanceModule,
    ReportsModule,
    DashboardModule,
    DocsModule.forDocument(analyticsOpenApi),
  ],
})
export class AppModule {}
