import { Controller, Get } from '@nestjs/common';
import type { SlaReport } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { SlaService } from './sla.service';

/** A tenant reading its SLA commitments and measurements. */
@Controller('v1/billing/sla')
export class SlaController {
  constructor(private readonly sla: SlaService) {}

  @Get()
  @RequireScope('read')
  get(@CurrentCaller() caller: Caller): Promise<SlaReport> {
    return this.sla.reportOwn(caller.tenantId);
  }
}
