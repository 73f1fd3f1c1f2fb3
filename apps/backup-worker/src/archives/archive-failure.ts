import { BackupFailure, safeDescription, uploadFailureCode } from '../backups/backup-failure';
import type { SnapshotIntoBlobError } from '../backups/snapshot-into-blob';
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

/** What stopped a snapshot of the table, as the requester is told. */
export function snapshotFailureOf({ stage, failure }: SnapshotIntoBlobError): ArchiveFailure {
  if (stage === 'source') return archiveFailureOf(failure, 'SourceUnavailable');
  if (failure instanceof MissingTablesError) return new ArchiveFailure('TableMissing', failure.message);
  if (failure instanceof BackupFailure && failure.code === 'BlobExists') return new ArchiveFailure('BlobExists', failure.message);
  const storageRefused = stage === 'upload' && uploadFailureCode(failure) === 'BlobWriteFailed';
  return new ArchiveFailure(storageRefused ? 'BlobWriteFailed' : 'DumpFailed', safeDescription(failure));
}

/** `error` as an ArchiveFailure: itself when it is one, else `code` with its safe description. */
export function archiveFailureOf(error: unknown, code: ArchiveFailureCode): ArchiveFailure {
  return error instanceof ArchiveFailure ? error : new ArchiveFailure(code, safeDescription(error));
}
