import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { auditLogQuery, type AuditVerification } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { selectedLog } from '../log-access/log-selection';
import { LogVerificationService } from './log-verification.service';

@Controller('v1/audit')
@UseGuards(ReaderGuard)
export class VerificationController {
  constructor(private readonly verification: LogVerificationService) {}

  @Get('verify')
  verify(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditVerification> {
    return this.verification.verify(selectedLog(reader, validated(auditLogQuery, query, 'query')));
  }
}
