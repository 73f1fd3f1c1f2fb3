import { Module } from '@nestjs/common';
import { SubscriptionModule } from '../subscription/subscription.module';
import { UsageController } from './usage.controller';
import { UsageReportRepository } from './usage-report.repository';
import { UsageService } from './usage.service';

/** GET /v1/billing/usage: records metered in a month against the plan's included records. */
@Module({ imports: [SubscriptionModule], controllers: [UsageController], providers: [UsageReportRepository, UsageService] })
export class UsageModule {}
