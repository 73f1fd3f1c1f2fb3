import { Module } from '@nestjs/common';
import { MeterReportsModule } from '../meter-reports/meter-reports.module';
import { MeteringService } from './metering.service';
import { RecordStoredHandler } from './record-stored.handler';
import { UsageRepository } from './usage.repository';

/** Usage metering from record.stored.v1: counts, usage thresholds, and meter reports for Stripe. */
@Module({ imports: [MeterReportsModule], controllers: [RecordStoredHandler], providers: [MeteringService, UsageRepository] })
export class MeteringModule {}
