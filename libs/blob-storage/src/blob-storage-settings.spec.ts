import { ConfigError, loadConfig, serviceNamed } from '@comply/config';
import { AZURITE_CONNECTION_STRING, azuriteConnectionString } from '@comply/config';
import { parseBlobConnectionString } from './blob-connection-string';
import { blobStorageSettings } from './blob-storage-settings';
import { BlobStore } from './blob-store';
import { createBlobStore, describeBlobStorage } from './create-blob-store';

const settings = blobStorageSettings(serviceNamed('backup-worker'));
const production = { NODE_ENV: 'production' };
const ACCOUNT_KEY = 'c2VjcmV0LWFjY291bnQta2V5LW9mLWNvbXBseQ==';
const ACCOUNT = `DefaultEndpointsProtocol=https;AccountName=complybackups;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(settings, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).not.toContain(ACCOUNT_KEY);
    return error.problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('blobStorageSettings', () => {
  it("defaults to Azurite's well-known account on 127.0.0.1:10000 and a container named after the service", () => {
    expect(loadConfig(settings, {})).toEqual({
      BLOB_CONNECTION_STRING: AZURITE_CONNECTION_STRING,
      BLOB_ACCOUNT_URL: undefined,
      BLOB_CONTAINER: 'backup-worker',
    });
    expect(loadConfig(blobStorageSettings(serviceNamed('audit-writer')), {}).BLOB_CONTAINER).toBe('audit-writer');
  });

  it('refuses a container name Azure would refuse', () => {
    for (const name of ['ab', 'Backups', 'back--ups', '-backups', 'backups-', 'back_ups', 'x'.repeat(64)]) {
      expect(problemsOf({ BLOB_CONTAINER: name })).toEqual([expect.stringMatching(/^BLOB_CONTAINER: expected a value matching/)]);
    }
  });

  it('refuses something that is not a storage connection string, without echoing it', () => {
    expect(problemsOf({ BLOB_CONNECTION_STRING: `AccountName=x;Key=${ACCOUNT_KEY}` })).toEqual([
      'BLOB_CONNECTION_STRING: expected a storage connection string with AccountKey or SharedAccessSignature, or UseDevelopmentStorage=true',
    ]);
    expect(problemsOf({ BLOB_CONNECTION_STRING: `AccountName=x;AccountKey=${ACCOUNT_KEY}` })).toEqual([
      'BLOB_CONNECTION_STRING: expected BlobEndpoint, or AccountName with DefaultEndpointsProtocol (https) and EndpointSuffix',
    ]);
  });

  it('accepts only an https account URL', () => {
    expect(problemsOf({ BLOB_ACCOUNT_URL: 'http://complybackups.blob.core.windows.net' })).toEqual([
      'BLOB_ACCOUNT_URL: expected a URL with scheme https (got "http://complybackups.blob.core.windows.net")',
    ]);
  });
});

describe('blob storage in production', () => {
  it("refuses the default, Azurite's connection string, naming BLOB_CONNECTION_STRING and what to set instead", () => {
    expect(problemsOf(production)).toEqual([
      "BLOB_CONNECTION_STRING: addresses the local Azurite emulator (account devstoreaccount1), not a storage account; in production set BLOB_ACCOUNT_URL or a storage account's connection string",
    ]);
    expect(() => loadConfig(settings, production)).toThrow(ConfigError);
  });

  it("refuses Azurite's account anywhere, by name, by key or as UseDevelopmentStorage=true", () => {
    const elsewhere = azuriteConnectionString('azurite.internal', 10000);
    const byKey = elsewhere.replace('AccountName=devstoreaccount1', 'AccountName=renamed');
    for (const connectionString of [elsewhere, byKey, 'UseDevelopmentStorage=true']) {
      expect(problemsOf({ ...production, BLOB_CONNECTION_STRING: connectionString })).toEqual([
        expect.stringMatching(/^BLOB_CONNECTION_STRING: addresses the local Azurite emulator/),
      ]);
    }
  });

  it('refuses a storage account reached over plain HTTP', () => {
    const plain = ACCOUNT.replace('DefaultEndpointsProtocol=https', 'DefaultEndpointsProtocol=http');
    expect(problemsOf({ ...production, BLOB_CONNECTION_STRING: plain })).toEqual([
      expect.stringMatching(/^BLOB_CONNECTION_STRING: reaches the blob endpoint over plain HTTP/),
    ]);
  });

  it("accepts a storage account's connection string or SAS, or Entra ID through BLOB_ACCOUNT_URL", () => {
    expect(problemsOf({ ...production, BLOB_CONNECTION_STRING: ACCOUNT })).toEqual([]);
    const sas = 'BlobEndpoint=https://complybackups.blob.core.windows.net/;SharedAccessSignature=sv=2024-11-04&sig=abc';
    expect(problemsOf({ ...production, BLOB_CONNECTION_STRING: sas })).toEqual([]);
    expect(problemsOf({ ...production, BLOB_ACCOUNT_URL: 'https://complybackups.blob.core.windows.net' })).toEqual([]);
  });

  it('accepts every local default outside production', () => {
    expect(problemsOf({ NODE_ENV: 'development' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'test', BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' })).toEqual([]);
  });
});

describe('parseBlobConnectionString', () => {
  it('finds the account and blob endpoint, never returning the key', () => {
    const target = parseBlobConnectionString(ACCOUNT);
    expect(target).toEqual({ accountName: 'complybackups', blobEndpoint: 'https://complybackups.blob.core.windows.net', emulator: false });
    expect(JSON.stringify(target)).not.toContain(ACCOUNT_KEY);
    expect(parseBlobConnectionString(AZURITE_CONNECTION_STRING)).toEqual({
      accountName: 'devstoreaccount1',
      blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      emulator: true,
    });
  });
});

describe('createBlobStore and describeBlobStorage', () => {
  it('connect with the connection string unless BLOB_ACCOUNT_URL is set, and describe the target without its key', () => {
    const config = loadConfig(settings, { BLOB_CONNECTION_STRING: ACCOUNT });
    const store = createBlobStore(config);
    expect(store).toBeInstanceOf(BlobStore);
    expect(store.containerName).toBe('backup-worker');
    expect(describeBlobStorage(config)).toBe('BLOB_CONNECTION_STRING https://complybackups.blob.core.windows.net, container backup-worker');
    expect(describeBlobStorage(loadConfig(settings, {}))).toBe('Azurite http://127.0.0.1:10000/devstoreaccount1, container backup-worker');
    const entra = loadConfig(settings, { BLOB_ACCOUNT_URL: 'https://complybackups.blob.core.windows.net', BLOB_CONTAINER: 'backups' });
    expect(createBlobStore(entra).containerName).toBe('backups');
    expect(describeBlobStorage(entra)).toBe('BLOB_ACCOUNT_URL https://complybackups.blob.core.windows.net (Entra ID), container backups');
  });
});
