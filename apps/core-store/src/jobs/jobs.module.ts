import { Module } from '@nestjs/common';
import { AdvisoryLockRepository } from './advisory-lock.repository';
import { PartitionMaintenance } from './partition-maintenance';
import { RetentionJob } from './retention.job';
import { RetentionRepository } from './retention.repository';
import { StoragePartitionsRepository } from './storage-partitions.repository';

/** Scheduled maintenance of the core database: monthly partitions ahead, retention and erasure behind. */
@Module({ providers: [AdvisoryLockRepository, StoragePartitionsRepository, RetentionRepository, PartitionMaintenance, RetentionJob] })
export class JobsModule {}
