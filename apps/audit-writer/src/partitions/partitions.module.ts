import { Module } from '@nestjs/common';
import { AuditPartitionsRepository } from './audit-partitions.repository';
import { PartitionMaintenance } from './partition-maintenance';

/** Monthly partitions of audit_log, kept ahead of the clock. */
@Module({ providers: [AuditPartitionsRepository, PartitionMaintenance] })
export class PartitionsModule {}
