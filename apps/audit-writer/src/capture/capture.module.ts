import { Module } from '@nestjs/common';
import { AuditAppendRepository } from './audit-append.repository';
import { AuditCaptureService } from './audit-capture.service';
import { AuditEventHandler } from './audit-event.handler';
import { FrontierBackfill } from './frontier-backfill';

/** audit.event.v1 appended to the per-tenant and platform logs, each with its Merkle frontier. */
@Module({ controllers: [AuditEventHandler], providers: [AuditAppendRepository, AuditCaptureService, FrontierBackfill] })
export class CaptureModule {}
