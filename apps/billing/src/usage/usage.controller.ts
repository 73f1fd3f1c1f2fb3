import { Controller, Get, Query } from '@nestjs/common';
import { type UsageResponse, usageQuery } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { UsageService } from './usage.service';
import { validated } from '@comply/service-runtime';

@Controller('v1/billing/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @RequireScope('read')
  get(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<UsageResponse> {
    return this.usage.report(caller.tenantId, validated(usageQuery, query, 'query').period);
  }
}
