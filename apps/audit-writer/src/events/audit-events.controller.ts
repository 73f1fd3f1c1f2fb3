import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { auditEventsQuery, type AuditEventList } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { ReadableLogs } from '../log-access/readable-logs';
import { AuditEventsService } from './audit-events.service';

@Controller('v1/audit')
@UseGuards(ReaderGuard)
export class AuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly logs: ReadableLogs,
  ) {}

  @Get('events')
  async list(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditEventList> {
    const parsed = validated(auditEventsQuery, query, 'query');
    return this.events.list(await this.logs.select(reader, parsed), parsed);
  }
}
