import { Module } from '@nestjs/common';

/**
 * backup-worker: backups to immutable blob storage, verification, restore.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere.
 */
@Module({})
export class AppModule {}
