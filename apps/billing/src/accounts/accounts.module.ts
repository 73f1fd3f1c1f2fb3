import { Global, Module } from '@nestjs/common';
import { DunningModule } from '../dunning/dunning.module';
import { ACCOUNT_RECONCILER } from './account-reconciler';
import { AccountReconcilerService } from './account-reconciler.service';
import { AccountsRepository } from './accounts.repository';
import { BILLING_CLOCK, SystemClock } from './billing-clock';
import { MeteredPlans } from './metered-plans.service';
import { PlanOverrides } from './plan-overrides.service';

/**
 * Each tenant's billing account: plan, status and quota decided from what billing stores
 * (ACCOUNT_RECONCILER), operators' overrides (PlanOverrides), the plan metering measures against,
 * and the clock billing's time-dependent decisions read. Global, so every feature module and the
 * tenant directory's arrival hook inject them.
 */
@Global()
@Module({
  imports: [DunningModule],
  providers: [
    AccountsRepository,
    AccountReconcilerService,
    { provide: ACCOUNT_RECONCILER, useExisting: AccountReconcilerService },
    { provide: BILLING_CLOCK, useClass: SystemClock },
    PlanOverrides,
    MeteredPlans,
  ],
  exports: [ACCOUNT_RECONCILER, BILLING_CLOCK, PlanOverrides, MeteredPlans],
})
export class AccountsModule {}
