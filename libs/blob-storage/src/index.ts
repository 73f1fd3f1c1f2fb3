/**
 * Azure Blob Storage for the services: one create-only container per service (`BlobStore`),
 * Azurite locally. See README.md for immutability in Azure.
 */
export { parseBlobConnectionString, type BlobConnectionTarget } from './blob-connection-string';
export { assertBlobName, assertBlobPrefix, blobNameProblem, InvalidBlobNameError } from './blob-name';
export { BlobStorageModule } from './blob-storage.module';
export { blobStorageSettings, type BlobStorageConfig, type BlobStorageSettings } from './blob-storage-settings';
export { BlobStore, type BlobEntry } from './blob-store';
export { createBlobStore, describeBlobStorage } from './create-blob-store';
