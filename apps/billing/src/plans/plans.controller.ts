import { Body, Controller, Get, NotFoundException, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { createPlanRequest, type PlanList, type PlanResponse, updatePlanRequest } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { PlansService } from './plans.service';
import { validated } from '@comply/service-runtime';

const planCodeShape = createPlanRequest.shape.code;

/** The plan catalogue, for platform operators. */
@Controller('admin/plans')
@UseGuards(AdminTokenGuard)
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  list(): Promise<PlanList> {
    return this.plans.list();
  }

  @Post()
  create(@Body() body: unknown, @RequestId() requestId: string): Promise<PlanResponse> {
    return this.plans.create(validated(createPlanRequest, body, 'body'), requestId);
  }

  @Patch(':code')
  update(@Param('code') code: string, @Body() body: unknown, @RequestId() requestId: string): Promise<PlanResponse> {
    if (!planCodeShape.safeParse(code).success) throw new NotFoundException('No such plan');
    return this.plans.update(code, validated(updatePlanRequest, body, 'body'), requestId);
  }
}
