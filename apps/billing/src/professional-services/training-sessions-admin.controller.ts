import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { createTrainingSessionRequest, type TrainingSessionList, type TrainingSessionResponse, updateTrainingSessionRequest } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { TrainingSessionsService } from './training-sessions.service';
import { validated } from '@comply/service-runtime';

/** A tenant's training sessions, for platform operators. */
@Controller('admin/tenants/:tenantId/training-sessions')
@UseGuards(AdminTokenGuard)
export class TrainingSessionsAdminController {
  constructor(private readonly trainingSessions: TrainingSessionsService) {}

  @Get()
  list(@Param('tenantId') tenantId: string): Promise<TrainingSessionList> {
    return this.trainingSessions.list(tenantId);
  }

  @Post()
  create(@Param('tenantId') tenantId: string, @Body() body: unknown, @RequestId() requestId: string): Promise<TrainingSessionResponse> {
    return this.trainingSessions.create(tenantId, validated(createTrainingSessionRequest, body, 'body'), requestId);
  }

  @Patch(':id')
  update(@Param('tenantId') tenantId: string, @Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<TrainingSessionResponse> {
    return this.trainingSessions.update(tenantId, id, validated(updateTrainingSessionRequest, body, 'body'), requestId);
  }
}
