import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { TenantLookupModule } from '../tenant-lookup/tenant-lookup.module';
import { PlanOverrideController } from './plan-override.controller';
import { PlanOverrideService } from './plan-override.service';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionService } from './subscription.service';

/**
 * A tenant's plan, status, Stripe subscription and quota (GET /v1/billing/subscription), and the
 * operators' override of its plan (PlanOverrides of the global AccountsModule does the deciding).
 */
@Module({
  imports: [PlansModule, TenantLookupModule],
  controllers: [SubscriptionController, PlanOverrideController],
  providers: [SubscriptionRepository, SubscriptionService, PlanOverrideService],
  exports: [SubscriptionService],
})
export class SubscriptionModule {}
