import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, AZURITE_DEFAULT_BLOB_PORT } from '@comply/config';

/** What a storage connection string addresses, without its key or signature. */
export interface BlobConnectionTarget {
  accountName: string;
  /** The blob service's base URL, e.g. https://<account>.blob.core.windows.net. */
  blobEndpoint: string;
  /** Azurite's well-known account (`devstoreaccount1`, its published key, or `UseDevelopmentStorage=true`). */
  emulator: boolean;
}

function parts(connectionString: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) map.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return map;
}

/**
 * Reads the account and endpoint of an Azure Storage connection string: an account key
 * (`AccountName`, `AccountKey`, and `BlobEndpoint` or `EndpointSuffix`), a SAS (`BlobEndpoint`,
 * `SharedAccessSignature`) or `UseDevelopmentStorage=true`. Errors name what is missing and never
 * contain the string itself, which holds a secret.
 */
export function parseBlobConnectionString(connectionString: string): BlobConnectionTarget {
  const values = parts(connectionString);
  if (values.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    return { accountName: AZURITE_ACCOUNT_NAME, blobEndpoint: `http://127.0.0.1:${AZURITE_DEFAULT_BLOB_PORT}/${AZURITE_ACCOUNT_NAME}`, emulator: true };
  }
  const accountKey = values.get('accountkey');
  const signature = values.get('sharedaccesssignature');
  if (!accountKey && !signature) {
    throw new Error('expected a storage connection string with AccountKey or SharedAccessSignature, or UseDevelopmentStorage=true');
  }
  let accountName = values.get('accountname') ?? '';
  let blobEndpoint = values.get('blobendpoint')?.replace(/\/+$/, '');
  if (!blobEndpoint) {
    const protocol = values.get('defaultendpointsprotocol')?.toLowerCase();
    const suffix = values.get('endpointsuffix');
    if (!accountName || !suffix || (protocol !== 'https' && protocol !== 'http')) {
      throw new Error('expected BlobEndpoint, or AccountName with DefaultEndpointsProtocol (https) and EndpointSuffix');
    }
    blobEndpoint = `${protocol}://${accountName}.blob.${suffix}`;
  }
  let endpoint: URL;
  try {
    endpoint = new URL(blobEndpoint);
  } catch {
    throw new Error('BlobEndpoint is not a URL');
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw new Error('BlobEndpoint must be an http(s) URL');
  if (accountKey && !accountName) throw new Error('AccountName is missing');
  accountName ||= endpoint.hostname.split('.')[0];
  return {
    accountName,
    blobEndpoint: `${endpoint.protocol}//${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}`,
    emulator: accountName === AZURITE_ACCOUNT_NAME || accountKey === AZURITE_ACCOUNT_KEY,
  };
}
