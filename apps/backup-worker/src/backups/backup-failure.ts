import { describeError } from '@comply/persistence';

/**
 * Why a backup run failed, as backup.failed.v1 and the catalog record it:
 * - KeyUnavailable: the key-encryption key (Key Vault or the local file) could not be opened;
 * - SourceUnavailable: the source database refused or lost the backup role's connection;
 * - DumpFailed: reading the snapshot failed (a COPY, the snapshot transaction);
 * - BlobWriteFailed: blob storage refused or dropped the upload;
 * - BlobExists: a blob of the run's name already exists (create-only: it is left alone);
 * - ManifestWriteFailed: the manifest could not be stored beside the blob;
 * - Abandoned: the worker running it stopped before it ended (found by the next run).
 */
export type BackupFailureCode = 'KeyUnavailable' | 'SourceUnavailable' | 'DumpFailed' | 'BlobWriteFailed' | 'BlobExists' | 'ManifestWriteFailed' | 'Abandoned';

export class BackupFailure extends Error {
  override name = 'BackupFailure';

  constructor(
    readonly code: BackupFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** Azure's RestError, recognised by shape: the app does not depend on the storage SDK itself. */
function isStorageError(error: unknown): error is Error & { statusCode?: number; code?: string } {
  return error instanceof Error && error.name === 'RestError';
}

/** One line for the catalog and the event: never credentials or row content (database errors by SQLSTATE and names only). */
export function safeDescription(error: unknown): string {
  if (isStorageError(error)) {
    const firstLine = error.message.split('\n')[0].slice(0, 300);
    return `blob storage: ${error.statusCode ?? 'no response'}${error.code ? ` ${error.code}` : ''}: ${firstLine}`;
  }
  return describeError(error).slice(0, 2_000);
}

/** `error` as a BackupFailure: itself when it is one, else `code` with its safe description. */
export function backupFailureOf(error: unknown, code: BackupFailureCode): BackupFailure {
  return error instanceof BackupFailure ? error : new BackupFailure(code, safeDescription(error));
}

/** Storage errors (and network errors the storage SDK reports) are the blob's fault; anything else in an upload is the dump's. */
export function uploadFailureCode(error: unknown): BackupFailureCode {
  return isStorageError(error) ? 'BlobWriteFailed' : 'DumpFailed';
}
