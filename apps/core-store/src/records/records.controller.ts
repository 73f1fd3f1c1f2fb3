import { Controller, Delete, Get, HttpCode, Param, Query, Res } from '@nestjs/common';
import type { RecordList, StoredRecord } from '@comply/contracts';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { recordListFiltersOf } from './record-list-query';
import { RecordsService } from './records.service';

@Controller('v1/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  /** `x-cache: hit|miss` shows operators (and tests) whether the read was served from the cache. */
  @Get(':id')
  @RequireScope('read')
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply): Promise<StoredRecord> {
    const { record, cache } = await this.records.get(caller, id);
    // The body holds decrypted source data: no shared or browser cache may keep it.
    reply.header('x-cache', cache).header('cache-control', 'no-store');
    return record;
  }

  @Get()
  @RequireScope('read')
  list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<RecordList> {
    return this.records.list(caller, recordListFiltersOf(query));
  }

  @Delete(':id')
  @RequireScope('admin')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.records.delete(caller, id);
  }
}
