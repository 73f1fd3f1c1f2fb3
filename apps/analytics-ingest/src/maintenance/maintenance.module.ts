import { Module } from '@nestjs/common';
import { MaintenanceRepository } from './maintenance.repository';
import { RollupMaintenance } from './rollup-maintenance';

/** Hourly partitions ahead and within retention, and the daily recompute of closed days. */
@Module({ providers: [MaintenanceRepository, RollupMaintenance] })
export class MaintenanceModule {}
