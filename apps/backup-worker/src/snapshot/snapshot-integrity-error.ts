export type SnapshotIntegrityFailure = 'ChecksumMismatch' | 'Truncated' | 'Tampered' | 'RowCountMismatch' | 'UnknownFormat';

/** The blob is not the snapshot the manifest describes; the restore was rolled back. Never carries row content. */
export class SnapshotIntegrityError extends Error {
  override name = 'SnapshotIntegrityError';

  constructor(
    readonly reason: SnapshotIntegrityFailure,
    message: string,
  ) {
    super(message);
  }
}
