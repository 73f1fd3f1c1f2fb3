import { parseBlobConnectionString } from './blob-connection-string';
import type { BlobStorageConfig } from './blob-storage-settings';
import { BlobStore } from './blob-store';

type ConnectionSettings = Pick<BlobStorageConfig, 'BLOB_CONNECTION_STRING' | 'BLOB_ACCOUNT_URL' | 'BLOB_CONTAINER'>;

/** Entra ID when BLOB_ACCOUNT_URL is set, otherwise the connection string (Azurite by default). */
export function createBlobStore(settings: ConnectionSettings): BlobStore {
  return settings.BLOB_ACCOUNT_URL
    ? BlobStore.fromAccountUrl(settings.BLOB_ACCOUNT_URL, settings.BLOB_CONTAINER)
    : BlobStore.fromConnectionString(settings.BLOB_CONNECTION_STRING, settings.BLOB_CONTAINER);
}

/**
 * Where the blobs go, fit for logs and status lines: the endpoint and account, never the key or
 * signature, e.g. "Azurite http://127.0.0.1:10000/devstoreaccount1, container backup-worker".
 */
export function describeBlobStorage(settings: ConnectionSettings): string {
  if (settings.BLOB_ACCOUNT_URL) return `BLOB_ACCOUNT_URL ${settings.BLOB_ACCOUNT_URL} (Entra ID), container ${settings.BLOB_CONTAINER}`;
  const target = parseBlobConnectionString(settings.BLOB_CONNECTION_STRING);
  return `${target.emulator ? 'Azurite' : 'BLOB_CONNECTION_STRING'} ${target.blobEndpoint}, container ${settings.BLOB_CONTAINER}`;
}
