import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { VerificationModule } from '../verification/verification.module';
import { BackupRunner } from './backup-runner';
import { BackupSchedule } from './backup-schedule';
import { BackupsController } from './backups.controller';
import { OperatorGuard } from './operator.guard';

/** Backup runs: scheduled per database, on demand over HTTP, and the catalog's operator API. */
@Module({
  imports: [CatalogModule, VerificationModule],
  controllers: [BackupsController],
  providers: [BackupRunner, BackupSchedule, OperatorGuard],
  exports: [BackupRunner],
})
export class BackupsModule {}
