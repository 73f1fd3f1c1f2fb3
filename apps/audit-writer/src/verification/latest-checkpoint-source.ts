/** A signed checkpoint's claim about a log: the Merkle root of its first `treeSize` entries. */
export interface CheckpointClaim {
  treeSize: number;
  /** 32 bytes. */
  rootHash: Uint8Array;
  /** When it was signed. */
  time: Date;
}

/**
 * Where verification finds the signed checkpoints of a log. Only checkpoints whose signature the
 * source has checked are returned. Provided under LATEST_CHECKPOINT_SOURCE by the checkpoints module.
 */
export interface LatestCheckpointSource {
  /** The checkpoint with the largest tree size that verifies. */
  latest(logId: string): Promise<CheckpointClaim | undefined>;
  /** The tree sizes of all the log's stored checkpoints, ascending (not yet verified). */
  sizes(logId: string): Promise<number[]>;
  /** The checkpoint of exactly `treeSize`, if it is stored and verifies. */
  at(logId: string, treeSize: number): Promise<CheckpointClaim | undefined>;
}

export const LATEST_CHECKPOINT_SOURCE = Symbol('LATEST_CHECKPOINT_SOURCE');
