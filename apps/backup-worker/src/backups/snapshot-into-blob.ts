import type { BackupDatabase } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { connectToSource, type PlatformConnection } from '../database/platform-connections';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { writeSnapshot, type SnapshotProgress } from '../snapshot/snapshot-writer';
import { BackupBlobs } from './backup-blobs';

/** Where a snapshot into a blob stopped: opening the source, the upload, or reading the source. */
export class SnapshotIntoBlobError extends Error {
  override name = 'SnapshotIntoBlobError';

  constructor(
    readonly stage: 'source' | 'upload' | 'read',
    readonly failure: unknown,
  ) {
    super(`snapshot stopped at ${stage}`);
  }
}

export interface SnapshotIntoBlobOptions {
  config: BackupWorkerConfig;
  kek: KeyEncryptionKey;
  blobs: BackupBlobs;
  database: BackupDatabase;
  blobName: string;
  /** Only these tables (an archive); all of them when absent (a backup). */
  tables?: readonly string[];
  onProgress?: (progress: SnapshotProgress) => void;
}

/**
 * One snapshot of a platform database, read as platform_backup and streamed create-only into
 * `blobName`. A failed upload stops the stream and is what the error names: it explains more
 * than the stream it stopped.
 */
export async function snapshotIntoBlob(options: SnapshotIntoBlobOptions): Promise<SnapshotManifest> {
  const { config, kek, blobs, database, blobName, tables, onProgress } = options;
  let source: PlatformConnection;
  try {
    source = await connectToSource(config, database);
  } catch (error) {
    throw new SnapshotIntoBlobError('source', error);
  }
  source.on('error', () => undefined);
  let uploadError: unknown;
  try {
    return await writeSnapshot({
      source,
      database,
      kek,
      tables,
      onProgress,
      upload: (ciphertext) =>
        blobs.upload(blobName, ciphertext).catch((error: unknown) => {
          uploadError = error;
          throw error;
        }),
    });
  } catch (error) {
    throw uploadError === undefined ? new SnapshotIntoBlobError('read', error) : new SnapshotIntoBlobError('upload', uploadError);
  } finally {
    await source.end().catch(() => undefined);
  }
}
