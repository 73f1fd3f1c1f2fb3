import { randomUUID } from 'node:crypto';
import { TEST_BLOB_CONNECTION_STRING_VARIABLE } from './jest/harness-state';

/**
 * The blob storage the harness found or started (Azurite unless BLOB_CONNECTION_STRING is set),
 * as a connection string: `BlobStore.fromConnectionString(testBlobConnectionString(), testContainerName('backups'))`.
 */
export function testBlobConnectionString(): string {
  const connectionString = process.env[TEST_BLOB_CONNECTION_STRING_VARIABLE];
  if (connectionString) return connectionString;
  throw new Error('No blob storage for tests: the harness globalSetup did not run (int and e2e specs only).');
}

/** A container name of its own for one suite or test (suites run in parallel and share the store). */
export function testContainerName(base = 'test'): string {
  const stem = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/^-+|-+$/g, '');
  return `${stem || 'test'}-${randomUUID().slice(0, 8)}`;
}
