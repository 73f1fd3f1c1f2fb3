import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { LOGGER } from '@comply/service-runtime';
import { CheckpointClaim, LatestCheckpointSource } from '../verification/latest-checkpoint-source';
import { InvalidCheckpointError } from './checkpoint-note';
import { CheckpointStore } from './checkpoint-store';
import { CheckpointService } from './checkpoint.service';

/**
 * Verification's checkpoints: the ones in blob storage, listed there (not taken from the
 * database, which the tampering it must catch could have changed) and opened with our key. A
 * stored note that does not verify is skipped with an error logged: it was not written by us.
 */
@Injectable()
export class StoredCheckpointSource implements LatestCheckpointSource {
  constructor(
    private readonly store: CheckpointStore,
    private readonly checkpoints: CheckpointService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async latest(logId: string): Promise<CheckpointClaim | undefined> {
    const sizes = await this.store.sizes(logId);
    for (let i = sizes.length - 1; i >= 0; i--) {
      const claim = await this.at(logId, sizes[i] as number);
      if (claim) return claim;
    }
    return undefined;
  }

  sizes(logId: string): Promise<number[]> {
    return this.store.sizes(logId);
  }

  async at(logId: string, treeSize: number): Promise<CheckpointClaim | undefined> {
    const stored = await this.store.atSize(logId, treeSize);
    if (!stored) return undefined;
    try {
      const checkpoint = this.checkpoints.open(stored.note);
      if (checkpoint.logId !== logId || checkpoint.size !== treeSize) throw new InvalidCheckpointError(`it is stored as size ${treeSize} of log ${logId}`);
      return { treeSize, rootHash: checkpoint.rootHash, time: checkpoint.time };
    } catch (error) {
      if (!(error instanceof InvalidCheckpointError)) throw error;
      this.logger.error({ logId, size: treeSize, reason: error.reason }, 'stored audit checkpoint does not verify with the audit key; ignored');
      return undefined;
    }
  }
}
