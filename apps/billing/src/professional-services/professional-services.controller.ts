import { Controller, Get } from '@nestjs/common';
import type { EngagementList, TrainingSessionList } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { EngagementsService } from './engagements.service';
import { TrainingSessionsService } from './training-sessions.service';

/** A tenant reading its own professional services. */
@Controller('v1/billing')
export class ProfessionalServicesController {
  constructor(
    private readonly engagements: EngagementsService,
    private readonly trainingSessions: TrainingSessionsService,
  ) {}

  @Get('engagements')
  @RequireScope('read')
  engagementsOf(@CurrentCaller() caller: Caller): Promise<EngagementList> {
    return this.engagements.listOwn(caller.tenantId);
  }

  @Get('training-sessions')
  @RequireScope('read')
  trainingSessionsOf(@CurrentCaller() caller: Caller): Promise<TrainingSessionList> {
    return this.trainingSessions.listOwn(caller.tenantId);
  }
}
