import { Module } from '@nestjs/common';
import { BackupStatusHandler } from './backup-status.handler';
import { BackupStatusRepository } from './backup-status.repository';

/** Record backup status from backup-worker's backup-events. */
@Module({ controllers: [BackupStatusHandler], providers: [BackupStatusRepository] })
export class BackupsModule {}
