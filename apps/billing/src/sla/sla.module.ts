import { Module } from '@nestjs/common';
import { TenantLookupModule } from '../tenant-lookup/tenant-lookup.module';
import { SlaAdminController } from './sla-admin.controller';
import { SlaController } from './sla.controller';
import { SlaRepository } from './sla.repository';
import { SlaService } from './sla.service';

/** SLA commitments, monthly measurements and the service credits breaches earn. */
@Module({ imports: [TenantLookupModule], controllers: [SlaController, SlaAdminController], providers: [SlaRepository, SlaService] })
export class SlaModule {}
