import { Global, Module } from '@nestjs/common';
import { AuditLogReaderRepository } from './audit-log-reader.repository';
import { AuditReaderGuard } from './audit-reader.guard';

/** Who may read which log, and the reads themselves: shared by the events, verification and proof routes. */
@Global()
@Module({ providers: [AuditLogReaderRepository, AuditReaderGuard], exports: [AuditLogReaderRepository, AuditReaderGuard] })
export class LogAccessModule {}
