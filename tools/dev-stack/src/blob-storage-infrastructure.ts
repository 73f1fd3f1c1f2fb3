import { join } from 'node:path';
import { parseBlobConnectionString } from '@comply/blob-storage';
import { isPortOpen, startAzurite } from '@comply/local-infra';

export interface BlobStorageForStack {
  /** What the services get on top of the environment: Azurite's connection string, or the configured one. */
  serviceEnv: Record<string, string>;
  /** Azurite's connection string, which holds only the emulator's published key and may be printed; undefined otherwise. */
  printableConnectionString: string | undefined;
  /** "Azurite 127.0.0.1:10000 (.data/azurite)" or "BLOB_CONNECTION_STRING <blob endpoint>", never a key. */
  description: string;
  stop(): Promise<void>;
}

function endpointOf(connectionString: string): string {
  try {
    return parseBlobConnectionString(connectionString).blobEndpoint;
  } catch (error) {
    // The parser's messages never echo the string, so the key stays out of the error.
    throw new Error(`BLOB_CONNECTION_STRING is not a storage connection string: ${(error as Error).message}`);
  }
}

/**
 * The blob storage the stack runs on: BLOB_ACCOUNT_URL (Entra ID) or BLOB_CONNECTION_STRING when
 * set (nothing is started), otherwise Azurite on loopback, keeping its blobs under `<dataDir>/azurite`.
 */
export async function provideBlobStorage(options: {
  connectionString: string | undefined;
  accountUrl: string | undefined;
  dataDir: string;
  azuritePort: number;
}): Promise<BlobStorageForStack> {
  const none = async () => undefined;
  if (options.accountUrl) {
    // The services inherit BLOB_ACCOUNT_URL, which wins over any connection string.
    return { serviceEnv: {}, printableConnectionString: undefined, description: `BLOB_ACCOUNT_URL ${options.accountUrl} (Entra ID)`, stop: none };
  }
  if (options.connectionString) {
    return {
      serviceEnv: { BLOB_CONNECTION_STRING: options.connectionString },
      printableConnectionString: undefined,
      description: `BLOB_CONNECTION_STRING ${endpointOf(options.connectionString)}`,
      stop: none,
    };
  }
  if (await isPortOpen('127.0.0.1', options.azuritePort)) {
    throw new Error(
      `Port ${options.azuritePort} for Azurite is taken (is another \`npm start\` or Azurite running?). Stop it or set AZURITE_BLOB_PORT.`,
    );
  }
  const location = join(options.dataDir, 'azurite');
  const azurite = await startAzurite({ host: '127.0.0.1', port: options.azuritePort, location });
  return {
    serviceEnv: { BLOB_CONNECTION_STRING: azurite.connectionString },
    printableConnectionString: azurite.connectionString,
    description: `Azurite 127.0.0.1:${azurite.port} (${location})`,
    stop: () => azurite.stop(),
  };
}
