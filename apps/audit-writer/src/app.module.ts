import { Module } from '@nestjs/common';

/**
 * audit-writer: append-only, tamper-evident audit trail.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere.
 */
@Module({})
export class AppModule {}
