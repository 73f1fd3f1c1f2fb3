import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { BillingConfig } from '../billing-settings';
import { MeterReportsJob } from './meter-reports.job';
import { MeterReportsRepository } from './meter-reports.repository';
import { MeterReportsService } from './meter-reports.service';
import { STRIPE_METER_EVENTS, stripeMeterEvents } from './stripe-meter-events';

/** Usage reported to Stripe's Billing Meters when STRIPE_API_KEY is set: queued by metering, sent by a job. */
@Module({
  providers: [
    MeterReportsRepository,
    MeterReportsService,
    MeterReportsJob,
    {
      provide: STRIPE_METER_EVENTS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: BillingConfig) => (config.STRIPE_API_KEY ? stripeMeterEvents(config.STRIPE_API_KEY) : null),
    },
  ],
  exports: [MeterReportsService],
})
export class MeterReportsModule {}
