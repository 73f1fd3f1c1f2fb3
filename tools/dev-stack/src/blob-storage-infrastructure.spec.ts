import { platformSettings } from '@comply/config';
import { AZURITE_DEFAULT_BLOB_PORT } from '@comply/config';
import { provideBlobStorage } from './blob-storage-infrastructure';
import { serviceEnv } from './dev-stack';

const KEY = 'c2VjcmV0LWFjY291bnQta2V5LW9mLWNvbXBseQ==';
const ACCOUNT = `DefaultEndpointsProtocol=https;AccountName=complybackups;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
const options = { accountUrl: undefined, connectionString: undefined, dataDir: '/nonexistent', azuritePort: 1 };

describe('provideBlobStorage (configured: nothing is started)', () => {
  it('passes BLOB_CONNECTION_STRING on to the services and describes it by its endpoint only', async () => {
    const blob = await provideBlobStorage({ ...options, connectionString: ACCOUNT });
    expect(blob).toMatchObject({
      serviceEnv: { BLOB_CONNECTION_STRING: ACCOUNT },
      printableConnectionString: undefined,
      description: 'BLOB_CONNECTION_STRING https://complybackups.blob.core.windows.net',
    });
  });

  it('leaves BLOB_ACCOUNT_URL to the services, which inherit it', async () => {
    const blob = await provideBlobStorage({ ...options, connectionString: ACCOUNT, accountUrl: 'https://complybackups.blob.core.windows.net' });
    expect(blob).toMatchObject({ serviceEnv: {}, description: 'BLOB_ACCOUNT_URL https://complybackups.blob.core.windows.net (Entra ID)' });
  });

  it('refuses a malformed connection string without echoing it', async () => {
    const malformed = `AccountName=complybackups;Key=${KEY}`;
    await expect(provideBlobStorage({ ...options, connectionString: malformed })).rejects.toThrow(
      /^BLOB_CONNECTION_STRING is not a storage connection string: expected a storage connection string with AccountKey/,
    );
    await expect(provideBlobStorage({ ...options, connectionString: malformed })).rejects.not.toThrow(KEY);
  });

  it("runs Azurite by default on the port the services' default connection string expects", () => {
    expect(platformSettings.AZURITE_BLOB_PORT.default).toBe(AZURITE_DEFAULT_BLOB_PORT);
  });
});

describe('serviceEnv', () => {
  it("gives a service its database and the stack's Service Bus and blob storage, but not the admin DATABASE_URL", () => {
    const env = serviceEnv(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:54329/postgres', LOG_LEVEL: 'debug' },
      'postgres://postgres@127.0.0.1:54329/postgres',
      'backup',
      'backup-worker',
      'Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true',
      { BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
    );
    expect(env).toEqual({
      LOG_LEVEL: 'debug',
      DB_HOST: '127.0.0.1',
      DB_PORT: '54329',
      DB_NAME: 'backup',
      DB_USER: 'backup_app',
      SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true',
      BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
  });
});
