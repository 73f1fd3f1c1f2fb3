import { Module } from '@nestjs/common';
import { AuditProofsController } from './audit-proofs.controller';
import { AuditProofsService } from './audit-proofs.service';

/** GET /v1/audit/proofs/inclusion and /consistency: RFC 6962 proofs a tenant checks offline. */
@Module({ controllers: [AuditProofsController], providers: [AuditProofsService] })
export class AuditProofsModule {}
