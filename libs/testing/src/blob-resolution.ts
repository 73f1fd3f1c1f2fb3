import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '@comply/local-infra';

export type BlobSource = 'env' | 'embedded';

export interface ResolvedBlobStorage {
  /** Secret unless it is Azurite's (source `embedded`): never print it. */
  connectionString: string;
  source: BlobSource;
  /** The blob endpoint, without key or signature: what reports may show. */
  endpoint: string;
  /** What was tried and why it was passed over, for the report. */
  notes: string[];
  /** Stops what the harness started; a no-op for a store it was given. */
  stop(): Promise<void>;
}

function endpointOf(client: BlobServiceClient): string {
  const url = new URL(client.url);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Undefined when the blob service answers (lists at most one container), else why not. */
async function problemOf(client: BlobServiceClient): Promise<string | undefined> {
  try {
    await client.listContainers().byPage({ maxPageSize: 1 }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/**
 * Finds blob storage for tests: BLOB_CONNECTION_STRING when it answers, otherwise an in-memory
 * Azurite on a free loopback port, started here and stopped by `stop()`.
 */
export async function resolveBlobStorage(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedBlobStorage> {
  const notes: string[] = [];
  if (env.BLOB_CONNECTION_STRING) {
    let client: BlobServiceClient | undefined;
    try {
      client = BlobServiceClient.fromConnectionString(env.BLOB_CONNECTION_STRING, { retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 } });
    } catch (error) {
      // The SDK's parse errors name the missing part, never the string.
      notes.push(`BLOB_CONNECTION_STRING is not a storage connection string: ${(error as Error).message}`);
    }
    if (client) {
      const problem = await problemOf(client);
      if (!problem) {
        return { connectionString: env.BLOB_CONNECTION_STRING, source: 'env', endpoint: endpointOf(client), notes, stop: async () => undefined };
      }
      notes.push(`BLOB_CONNECTION_STRING (${endpointOf(client)}) did not answer: ${problem}`);
    }
  } else {
    notes.push('BLOB_CONNECTION_STRING is not set');
  }
  const azurite = await startAzurite({ port: 0 });
  return {
    connectionString: azurite.connectionString,
    source: 'embedded',
    endpoint: endpointOf(BlobServiceClient.fromConnectionString(azurite.connectionString)),
    notes,
    stop: () => azurite.stop(),
  };
}

/** "embedded Azurite http://127.0.0.1:41234/devstoreaccount1" or "BLOB_CONNECTION_STRING https://…": no key. */
export function describeBlobSource(blob: ResolvedBlobStorage): string {
  return `${blob.source === 'embedded' ? 'embedded Azurite' : 'BLOB_CONNECTION_STRING'} ${blob.endpoint}`;
}
