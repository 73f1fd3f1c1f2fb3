import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { auditLogQuery, type AuditVerification } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { ReadableLogs } from '../log-access/readable-logs';
import { LogVerificationService } from './log-verification.service';

@Controller('v1/audit')
@UseGuards(ReaderGuard)
export class VerificationController {
  constructor(
    private readonly verification: LogVerificationService,
    private readonly logs: ReadableLogs,
  ) {}

  @Get('verify')
  async verify(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditVerification> {
    return this.verification.verify(await this.logs.select(reader, validated(auditLogQuery, query, 'query')));
  }
}
