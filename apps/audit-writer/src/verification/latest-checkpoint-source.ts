/** A signed checkpoint's claim about a log: the Merkle root of its first `treeSize` entries. */
export interface CheckpointClaim {
  treeSize: number;
  /** 32 bytes. */
  rootHash: Uint8Array;
}

/**
 * Where verification finds the latest signed checkpoint of a log (whose signature the source has
 * checked). Provided under LATEST_CHECKPOINT_SOURCE; the default knows of none.
 */
export interface LatestCheckpointSource {
  latest(logId: string): Promise<CheckpointClaim | undefined>;
}

export const LATEST_CHECKPOINT_SOURCE = Symbol('LATEST_CHECKPOINT_SOURCE');

/** Until checkpoints are written: verification checks the chain alone. */
export class NoCheckpoints implements LatestCheckpointSource {
  async latest(): Promise<CheckpointClaim | undefined> {
    return undefined;
  }
}
