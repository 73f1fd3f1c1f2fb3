import { Module } from '@nestjs/common';
import { AuditAppendRepository } from './audit-append.repository';
import { AuditCaptureService } from './audit-capture.service';
import { AuditEventHandler } from './audit-event.handler';

/** audit.event.v1 appended to the per-tenant and platform logs. */
@Module({ controllers: [AuditEventHandler], providers: [AuditAppendRepository, AuditCaptureService] })
export class CaptureModule {}
