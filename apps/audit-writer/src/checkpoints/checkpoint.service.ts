import { Checkpoint, checkpointText, openCheckpoint, parseVerifierKey, VerifierKey } from './checkpoint-note';
import { CheckpointSigner } from './checkpoint-signer';

/** Signs checkpoints of the audit logs and opens the ones this service signed. */
export class CheckpointService {
  private readonly ownKey: VerifierKey;

  constructor(private readonly signer: CheckpointSigner) {
    this.ownKey = parseVerifierKey(signer.verifierKey);
  }

  /** The verifier key tenants use to check our checkpoints (C2SP vkey). */
  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** The signed note of the checkpoint: log `logId` has `size` entries whose Merkle root is `rootHash`. */
  sign(logId: string, size: number, rootHash: Uint8Array, time: Date): string {
    return this.signer.signNote(checkpointText({ logId, size, rootHash: Buffer.from(rootHash), time }));
  }

  /** The checkpoint in `note`; throws `InvalidCheckpointError` unless our key signed it. */
  open(note: string): Checkpoint {
    return openCheckpoint(note, this.ownKey);
  }
}
