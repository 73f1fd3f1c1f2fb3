import { AZURITE_CONNECTION_STRING, ConfigOf, inProduction, optional, ServiceDescriptor, setting } from '@comply/config';
import { parseBlobConnectionString } from './blob-connection-string';

// Azure's container naming rules: 3-63 of lowercase letters, digits and single hyphens, starting and ending alphanumeric.
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Why a connection string may not be used in production, or undefined when it may. */
function productionProblem(connectionString: string): string | undefined {
  const target = parseBlobConnectionString(connectionString);
  if (target.emulator) {
    return 'addresses the local Azurite emulator (account devstoreaccount1), not a storage account; in production set BLOB_ACCOUNT_URL or a storage account\'s connection string';
  }
  if (new URL(target.blobEndpoint).protocol !== 'https:') {
    return 'reaches the blob endpoint over plain HTTP; in production the account key and the data must travel over TLS (https)';
  }
  return undefined;
}

/** Settings of a service that stores blobs; its container is named after it unless BLOB_CONTAINER says otherwise. */
export function blobStorageSettings(service: ServiceDescriptor) {
  return {
    BLOB_CONNECTION_STRING: inProduction(
      {
        ...setting.string({
          default: AZURITE_CONNECTION_STRING,
          secret: true,
          doc: 'Azure Storage connection string (account key or SAS). Ignored when BLOB_ACCOUNT_URL is set. Default: Azurite on 127.0.0.1:10000 with its well-known development account, which `npm start` runs.',
        }),
        parse(raw: string) {
          parseBlobConnectionString(raw);
          return raw;
        },
      },
      {
        doc: "a storage account's over https, not Azurite's (`devstoreaccount1`, like the default), unless `BLOB_ACCOUNT_URL` is set",
        problem: (connectionString, config) => (config.BLOB_ACCOUNT_URL === undefined ? productionProblem(connectionString) : undefined),
      },
    ),
    BLOB_ACCOUNT_URL: optional(
      setting.url({
        protocols: ['https'],
        doc: 'Blob service URL of a storage account (`https://<account>.blob.core.windows.net`): connect with Entra ID (DefaultAzureCredential; role "Storage Blob Data Contributor" on the container) instead of a connection string.',
      }),
    ),
    BLOB_CONTAINER: setting.string({
      default: service.name,
      pattern: CONTAINER_NAME,
      doc: "The service's blob container (3-63 lowercase letters, digits and hyphens). In Azure, give it a locked time-based retention policy (see libs/blob-storage).",
    }),
  };
}

export type BlobStorageSettings = ReturnType<typeof blobStorageSettings>;
export type BlobStorageConfig = ConfigOf<BlobStorageSettings>;
