import { Global, Module } from '@nestjs/common';
import { AuditLogReaderRepository } from './audit-log-reader.repository';
import { ReadableLogs } from './readable-logs';

/** The reads of the logs, shared by the events, verification, proof, export and report routes (ReaderGuard decides who reads which). */
@Global()
@Module({ providers: [AuditLogReaderRepository, ReadableLogs], exports: [AuditLogReaderRepository, ReadableLogs] })
export class LogAccessModule {}
