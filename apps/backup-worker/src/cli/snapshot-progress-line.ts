import { ProgressLine } from '@comply/observability';
import type { SnapshotProgress } from '../snapshot/snapshot-progress';

/** Rows and plaintext MB of a snapshot written or restored. */
export class SnapshotProgressLine extends ProgressLine {
  constructor(out: NodeJS.WriteStream, label: string) {
    super(out, label, 'rows');
  }

  /** The engine's callback. */
  readonly update = (progress: SnapshotProgress): void => this.set(progress.totalRows, progress.plaintextBytes, progress.table);
}
