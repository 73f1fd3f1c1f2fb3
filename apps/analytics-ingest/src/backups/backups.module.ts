import { Module } from '@nestjs/common';
import { BackupEventsHandler } from './backup-events.handler';
import { BackupsRepository } from './backups.repository';
import { BackupsService } from './backups.service';

/** Backup health from backup-events: completed and failed per day and database. */
@Module({ controllers: [BackupEventsHandler], providers: [BackupsService, BackupsRepository] })
export class BackupsModule {}
