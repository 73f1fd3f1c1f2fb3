import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { consistencyProofQuery, inclusionProofQuery, type ConsistencyProofResponse, type InclusionProofResponse } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { AuditReader, AuditReaderGuard, CurrentAuditReader } from '../log-access/audit-reader.guard';
import { selectedLog } from '../log-access/log-selection';
import { AuditProofsService } from './audit-proofs.service';

@Controller('v1/audit/proofs')
@UseGuards(AuditReaderGuard)
export class AuditProofsController {
  constructor(private readonly proofs: AuditProofsService) {}

  @Get('inclusion')
  inclusion(@Query() query: Record<string, unknown>, @CurrentAuditReader() reader: AuditReader): Promise<InclusionProofResponse> {
    const parsed = validated(inclusionProofQuery, query, 'query');
    return this.proofs.inclusion(selectedLog(reader, parsed), parsed.sequence, parsed.treeSize);
  }

  @Get('consistency')
  consistency(@Query() query: Record<string, unknown>, @CurrentAuditReader() reader: AuditReader): Promise<ConsistencyProofResponse> {
    const parsed = validated(consistencyProofQuery, query, 'query');
    return this.proofs.consistency(selectedLog(reader, parsed), parsed.from, parsed.to);
  }
}
