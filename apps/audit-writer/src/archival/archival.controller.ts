import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  auditArchivalRunQuery,
  auditArchivePartitionParams,
  auditArchivesQuery,
  auditLogQuery,
  type AuditArchivalRun,
  type AuditArchiveList,
  type AuditArchiveVerification,
} from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { AdminTokenGuard, CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { ReadableLogs } from '../log-access/readable-logs';
import { ArchiveReaderService } from './archive-reader.service';
import { ArchivalService } from './archival.service';

@Controller('v1/audit')
export class ArchivalController {
  constructor(
    private readonly archival: ArchivalService,
    private readonly archives: ArchiveReaderService,
    private readonly logs: ReadableLogs,
  ) {}

  /** Operators only: archives the partitions past retention now (the daily run does the same). */
  @Post('archival/run')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  run(@Query() query: Record<string, unknown>): Promise<AuditArchivalRun> {
    return this.archival.run({ dryRun: validated(auditArchivalRunQuery, query, 'query').dryRun === 'true' });
  }

  @Get('archives')
  @UseGuards(ReaderGuard)
  async list(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditArchiveList> {
    return this.archives.list(await this.logs.select(reader, validated(auditArchivesQuery, query, 'query')));
  }

  @Get('archives/:partition/verify')
  @UseGuards(ReaderGuard)
  async verify(@Param() params: Record<string, unknown>, @Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditArchiveVerification> {
    const { partition } = validated(auditArchivePartitionParams, params, 'params');
    return this.archives.verify(partition, await this.logs.select(reader, validated(auditLogQuery, query, 'query')));
  }
}
