import { Body, Controller, Delete, Param, Put, UseGuards } from '@nestjs/common';
import { type BillingSubscriptionResponse, planOverrideRequest } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { PlanOverrideService } from './plan-override.service';
import { validated } from '@comply/service-runtime';

/** An operator's decision of a tenant's plan; answers the tenant's billing as it is afterwards. */
@Controller('admin/tenants/:tenantId/plan-override')
@UseGuards(AdminTokenGuard)
export class PlanOverrideController {
  constructor(private readonly overrides: PlanOverrideService) {}

  @Put()
  set(@Param('tenantId') tenantId: string, @Body() body: unknown, @RequestId() requestId: string): Promise<BillingSubscriptionResponse> {
    return this.overrides.set(tenantId, validated(planOverrideRequest, body, 'body').planCode, requestId);
  }

  @Delete()
  remove(@Param('tenantId') tenantId: string, @RequestId() requestId: string): Promise<BillingSubscriptionResponse> {
    return this.overrides.remove(tenantId, requestId);
  }
}
