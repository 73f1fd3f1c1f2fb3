import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { createEngagementRequest, type EngagementList, type EngagementResponse, updateEngagementRequest } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { EngagementsService } from './engagements.service';
import { validated } from '@comply/service-runtime';

/** A tenant's engagements, for platform operators. */
@Controller('admin/tenants/:tenantId/engagements')
@UseGuards(AdminTokenGuard)
export class EngagementsAdminController {
  constructor(private readonly engagements: EngagementsService) {}

  @Get()
  list(@Param('tenantId') tenantId: string): Promise<EngagementList> {
    return this.engagements.list(tenantId);
  }

  @Post()
  create(@Param('tenantId') tenantId: string, @Body() body: unknown, @RequestId() requestId: string): Promise<EngagementResponse> {
    return this.engagements.create(tenantId, validated(createEngagementRequest, body, 'body'), requestId);
  }

  @Patch(':id')
  update(@Param('tenantId') tenantId: string, @Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<EngagementResponse> {
    return this.engagements.update(tenantId, id, validated(updateEngagementRequest, body, 'body'), requestId);
  }
}
