import { Module } from '@nestjs/common';
import { AuditProofsService } from '../proofs/audit-proofs.service';
import { AuditExportController } from './audit-export.controller';
import { AuditExportRepository } from './audit-export.repository';
import { AuditExportService } from './audit-export.service';

/** GET /v1/audit/export: a period of a log, streamed as verifiable NDJSON or as CSV. */
@Module({ controllers: [AuditExportController], providers: [AuditExportService, AuditExportRepository, AuditProofsService] })
export class AuditExportModule {}
