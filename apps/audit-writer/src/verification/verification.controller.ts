import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { auditLogQuery, type AuditVerification } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { AuditReader, AuditReaderGuard, CurrentAuditReader } from '../log-access/audit-reader.guard';
import { selectedLog } from '../log-access/log-selection';
import { LogVerificationService } from './log-verification.service';

@Controller('v1/audit')
@UseGuards(AuditReaderGuard)
export class VerificationController {
  constructor(private readonly verification: LogVerificationService) {}

  @Get('verify')
  verify(@Query() query: Record<string, unknown>, @CurrentAuditReader() reader: AuditReader): Promise<AuditVerification> {
    return this.verification.verify(selectedLog(reader, validated(auditLogQuery, query, 'query')));
  }
}
