import { ConflictException, Controller, Get, HttpCode, NotFoundException, Post, Query, UseGuards } from '@nestjs/common';
import {
  auditCheckpointsQuery,
  auditLogQuery,
  type AuditCheckpointResponse,
  type AuditCheckpointsCreated,
  type AuditVerifierKey,
} from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { noSuchLog, selectedLog } from '../log-access/log-selection';
import { Checkpoint, CHECKPOINT_ORIGIN_PREFIX } from './checkpoint-note';
import { CheckpointIssuer, CheckpointRefusedError } from './checkpoint-issuer';
import { CheckpointStore } from './checkpoint-store';
import { CheckpointService } from './checkpoint.service';

function responseOf(checkpoint: Checkpoint, note: string): AuditCheckpointResponse {
  return { logId: checkpoint.logId, treeSize: checkpoint.size, rootHash: checkpoint.rootHash.toString('hex'), time: checkpoint.time.toISOString(), note };
}

@Controller('v1/audit/checkpoints')
export class CheckpointsController {
  constructor(
    private readonly issuer: CheckpointIssuer,
    private readonly store: CheckpointStore,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** One log (a tenant key: its own), or with the admin token and no log named, every log with entries. */
  @Post()
  @HttpCode(200)
  @UseGuards(ReaderGuard)
  async create(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditCheckpointsCreated> {
    const selection = validated(auditCheckpointsQuery, query, 'query');
    const everyLog = reader.kind === 'admin' && selection.log === undefined && selection.tenantId === undefined;
    if (!everyLog) {
      const issued = await this.issuer.issue(selectedLog(reader, selection)).catch((error: unknown) => {
        throw error instanceof CheckpointRefusedError ? new ConflictException(error.message) : error;
      });
      if (!issued) throw noSuchLog();
      return { checkpoints: [{ ...responseOf(issued, issued.note), created: issued.created }], refused: [] };
    }
    const result: AuditCheckpointsCreated = { checkpoints: [], refused: [] };
    for (const logId of await this.issuer.logsWithEntries()) {
      try {
        const issued = await this.issuer.issue(logId);
        if (issued) result.checkpoints.push({ ...responseOf(issued, issued.note), created: issued.created });
      } catch (error) {
        if (!(error instanceof CheckpointRefusedError)) throw error;
        result.refused.push({ logId, reason: error.reason });
      }
    }
    return result;
  }

  @Get('latest')
  @UseGuards(ReaderGuard)
  async latest(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AuditCheckpointResponse> {
    const logId = selectedLog(reader, validated(auditLogQuery, query, 'query'));
    const stored = await this.store.latest(logId);
    if (!stored) throw new NotFoundException('No checkpoint of this log yet');
    return responseOf(this.checkpoints.open(stored.note), stored.note);
  }

  /** Public: tenants pin this key and check checkpoints with it offline. */
  @Get('verifier-key')
  verifierKey(): AuditVerifierKey {
    const [keyName, keyId] = this.checkpoints.verifierKey.split('+') as [string, string];
    return { verifierKey: this.checkpoints.verifierKey, keyName, keyId, algorithm: 'ed25519', originPrefix: CHECKPOINT_ORIGIN_PREFIX };
  }
}
