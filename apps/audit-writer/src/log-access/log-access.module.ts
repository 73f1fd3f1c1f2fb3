import { Global, Module } from '@nestjs/common';
import { AuditLogReaderRepository } from './audit-log-reader.repository';

/** The reads of the logs, shared by the events, verification, proof, export and report routes (ReaderGuard decides who reads which). */
@Global()
@Module({ providers: [AuditLogReaderRepository], exports: [AuditLogReaderRepository] })
export class LogAccessModule {}
