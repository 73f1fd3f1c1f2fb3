import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { consistencyProofQuery, inclusionProofQuery, type ConsistencyProofResponse, type InclusionProofResponse } from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { selectedLog } from '../log-access/log-selection';
import { AuditProofsService } from './audit-proofs.service';

@Controller('v1/audit/proofs')
@UseGuards(ReaderGuard)
export class AuditProofsController {
  constructor(private readonly proofs: AuditProofsService) {}

  @Get('inclusion')
  inclusion(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<InclusionProofResponse> {
    const parsed = validated(inclusionProofQuery, query, 'query');
    return this.proofs.inclusion(selectedLog(reader, parsed), parsed.sequence, parsed.treeSize);
  }

  @Get('consistency')
  consistency(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<ConsistencyProofResponse> {
    const parsed = validated(consistencyProofQuery, query, 'query');
    return this.proofs.consistency(selectedLog(reader, parsed), parsed.from, parsed.to);
  }
}
