import { Global, Module } from '@nestjs/common';
import { ANALYTICS_CLOCK, SystemClock } from './analytics-clock';
import { RollupWindow } from './rollup-window';
import { TenantStatusRepository } from './tenant-status.repository';

/** What every rollup feature shares: the clock, the hourly window and the tenant's status. */
@Global()
@Module({
  providers: [{ provide: ANALYTICS_CLOCK, useClass: SystemClock }, RollupWindow, TenantStatusRepository],
  exports: [ANALYTICS_CLOCK, RollupWindow, TenantStatusRepository],
})
export class RollupsModule {}
