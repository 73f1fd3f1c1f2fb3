import { Controller, Get } from '@nestjs/common';
import type { BillingSubscriptionResponse } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { SubscriptionService } from './subscription.service';

@Controller('v1/billing/subscription')
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Get()
  @RequireScope('read')
  get(@CurrentCaller() caller: Caller): Promise<BillingSubscriptionResponse> {
    return this.subscriptions.view(caller.tenantId);
  }
}
