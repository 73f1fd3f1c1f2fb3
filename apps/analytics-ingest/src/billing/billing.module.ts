import { Module } from '@nestjs/common';
import { BillingEventsHandler } from './billing-events.handler';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';

/** Billing rollups from billing-events: invoices paid and failed, and the subscription history MRR is read from. */
@Module({ controllers: [BillingEventsHandler], providers: [BillingService, BillingRepository] })
export class BillingModule {}
