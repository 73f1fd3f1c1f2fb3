import { Module } from '@nestjs/common';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { ComplianceReportController } from './compliance-report.controller';
import { ComplianceReportRepository } from './compliance-report.repository';
import { ComplianceReportService } from './compliance-report.service';

/** GET /v1/audit/reports/:framework: compliance evidence of one log over a period, as JSON or a printable page. */
@Module({
  imports: [CheckpointsModule],
  controllers: [ComplianceReportController],
  providers: [ComplianceReportService, ComplianceReportRepository],
})
export class ReportsModule {}
