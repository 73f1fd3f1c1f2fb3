import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { BackupRetention } from './backup-retention';

/** Daily expiry of backups past retention and immutability. */
@Module({ imports: [CatalogModule], providers: [BackupRetention], exports: [BackupRetention] })
export class RetentionModule {}
