import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { DrillSchedule } from './drill-schedule';
import { RestoreDrill } from './restore-drill';

/** Restore drills: scheduled, and on demand through the backups API. */
@Module({ imports: [CatalogModule], providers: [RestoreDrill, DrillSchedule], exports: [RestoreDrill, DrillSchedule] })
export class VerificationModule {}
