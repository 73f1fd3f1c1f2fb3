import { BackupFailure, safeDescription, uploadFailureCode } from '../backups/backup-failure';
import { MissingTablesError } from '../snapshot/snapshot-catalog';

/**
 * Why an archive request was answered archive.failed.v1 (the requester keeps its table):
 * - SourceUnavailable: the source database refused or lost the backup role's connection;
 * - TableMissing: the source has no table of that name;
 * - DumpFailed: reading the table failed;
 * - BlobWriteFailed: blob storage refused or dropped the upload;
 * - BlobExists: a blob of the request's name exists without a manifest that accounts for it;
 * - ManifestWriteFailed: the manifest could not be stored beside the blob;
 * - ChecksumMismatch: the blob read back is not what was written;
 * - RowCountMismatch: the table holds another number of rows than the request counted.
 */
export type ArchiveFailureCode =
  | 'SourceUnavailable'
  | 'TableMissing'
  | 'DumpFailed'
  | 'BlobWriteFailed'
  | 'BlobExists'
  | 'ManifestWriteFailed'
  | 'ChecksumMismatch'
  | 'RowCountMismatch';

export class ArchiveFailure extends Error {
  override name = 'ArchiveFailure';

  constructor(
    readonly code: ArchiveFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** What stopped a snapshot of the table: the upload's error explains more than the stream it stopped. */
export function snapshotFailureOf(error: unknown, uploadError: unknown): ArchiveFailure {
  if (error instanceof ArchiveFailure) return error;
  if (error instanceof MissingTablesError) return new ArchiveFailure('TableMissing', error.message);
  const cause = uploadError ?? error;
  if (cause instanceof BackupFailure && cause.code === 'BlobExists') return new ArchiveFailure('BlobExists', cause.message);
  const storageRefused = uploadError !== undefined && uploadFailureCode(uploadError) === 'BlobWriteFailed';
  return new ArchiveFailure(storageRefused ? 'BlobWriteFailed' : 'DumpFailed', safeDescription(cause));
}

/** `error` as an ArchiveFailure: itself when it is one, else `code` with its safe description. */
export function archiveFailureOf(error: unknown, code: ArchiveFailureCode): ArchiveFailure {
  return error instanceof ArchiveFailure ? error : new ArchiveFailure(code, safeDescription(error));
}
