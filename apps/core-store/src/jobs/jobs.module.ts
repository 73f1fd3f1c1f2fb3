import { Module } from '@nestjs/common';
import { PartitionMaintenance } from './partition-maintenance';
import { RetentionJob } from './retention.job';

/** Scheduled maintenance of the core database: monthly partitions ahead, retention and erasure behind. */
@Module({ providers: [PartitionMaintenance, RetentionJob] })
export class JobsModule {}
