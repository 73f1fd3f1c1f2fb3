import { Module } from '@nestjs/common';
import { TenantLookupModule } from '../tenant-lookup/tenant-lookup.module';
import { EngagementsAdminController } from './engagements-admin.controller';
import { EngagementsService } from './engagements.service';
import { ProfessionalServicesController } from './professional-services.controller';
import { ProfessionalServicesRepository } from './professional-services.repository';
import { TrainingSessionsAdminController } from './training-sessions-admin.controller';
import { TrainingSessionsService } from './training-sessions.service';

/** Professional services: onboarding engagements and training sessions, run by operators and read by tenants. */
@Module({
  imports: [TenantLookupModule],
  controllers: [ProfessionalServicesController, EngagementsAdminController, TrainingSessionsAdminController],
  providers: [ProfessionalServicesRepository, EngagementsService, TrainingSessionsService],
})
export class ProfessionalServicesModule {}
