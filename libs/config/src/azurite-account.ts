/**
 * Azurite's one built-in account. Its key is published in Azure's documentation and opens nothing
 * but a local emulator, so it may live in the repository and be printed; a real account's key may not.
 */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The port Azurite's blob service listens on unless told otherwise (and the one docker-compose publishes). */
export const AZURITE_DEFAULT_BLOB_PORT = 10000;

/** A connection string for Azurite's blob service at host:port (path-style URLs, as Azurite serves them). */
export function azuriteConnectionString(host: string, port: number): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT_NAME}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `BlobEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT_NAME};`,
  ].join(';');
}

/** Azurite on its default port on loopback: the blob connection string services use when none is configured. */
export const AZURITE_CONNECTION_STRING = azuriteConnectionString('127.0.0.1', AZURITE_DEFAULT_BLOB_PORT);
