import { optional, setting } from './setting';

/** Settings of the operator tools (`npm start`, `npm run migrate`), not of the services. */
export const platformSettings = {
  DATABASE_URL: optional(setting.url({
    protocols: ['postgres', 'postgresql'],
    readBy: '`npm start`, `npm run migrate`',
    secret: true,
    doc: 'Admin URL of a PostgreSQL server (creates databases and roles, runs migrations). Unset: `npm start` runs an embedded PostgreSQL under `.data/`; `npm run migrate` uses postgres://postgres@127.0.0.1:5432/postgres.',
  })),
  DATA_DIR: setting.string({
    readBy: '`npm start`',
    default: '.data',
    doc: 'Where `npm start` keeps embedded infrastructure state and service logs (git-ignored).',
  }),
  SERVICE_PORT_BASE: setting.port({
    readBy: '`npm start`',
    default: 3001,
    doc: '`npm start` gives the five services consecutive ports from here (core-store, billing, analytics-ingest, audit-writer, backup-worker).',
  }),
  EMBEDDED_PG_PORT: setting.port({
    readBy: '`npm start`',
    default: 54329,
    doc: 'Port of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is unset.',
  }),
  SERVICEBUS_CONNECTION_STRING: optional(setting.string({
    readBy: '`npm start`',
    secret: true,
    doc: 'Azure Service Bus connection string (`Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…`); `npm start` passes it to the services. Unset: `npm start` runs the local Service Bus emulator with the platform topology.',
  })),
  CORE_STORE_URL: setting.url({
    protocols: ['http', 'https'],
    readBy: '`npm run directory:resync`',
    default: 'http://127.0.0.1:3001',
    doc: "core-store's base URL, whose admin API republishes the tenant directory. The admin token comes from ADMIN_TOKEN, else from the one `npm start` keeps under DATA_DIR.",
  }),
  AUDIT_WRITER_URL: setting.url({
    protocols: ['http', 'https'],
    readBy: '`npm run audit`',
    default: 'http://127.0.0.1:3004',
    doc: "audit-writer's base URL, which `npm run audit` verifies, exports and reports from. Credentials: `--api-key`/AUDIT_API_KEY (a tenant's read key), else ADMIN_TOKEN, else the one `npm start` keeps under DATA_DIR.",
  }),
  BLOB_CONNECTION_STRING: optional(setting.string({
    readBy: '`npm start`',
    secret: true,
    doc: 'Azure Storage connection string (account key or SAS); `npm start` passes it to the services. Unset, and BLOB_ACCOUNT_URL unset too: `npm start` runs Azurite, keeping blobs under DATA_DIR/azurite.',
  })),
  BLOB_ACCOUNT_URL: optional(setting.url({
    protocols: ['https'],
    readBy: '`npm start`',
    doc: 'Blob service URL of a storage account (`https://<account>.blob.core.windows.net`), reached with Entra ID; the services read it too. When set, `npm start` starts no Azurite.',
  })),
  AZURITE_BLOB_PORT: setting.port({
    readBy: '`npm start`',
    default: 10000,
    doc: "Port of the Azurite blob service that `npm start` runs (on 127.0.0.1) when neither BLOB_CONNECTION_STRING nor BLOB_ACCOUNT_URL is set; the services' default BLOB_CONNECTION_STRING expects 10000.",
  }),
  SERVICEBUS_EMULATOR_PORT: setting.port({
    readBy: '`npm start`',
    default: 5673,
    doc: 'Port of the Service Bus emulator that `npm start` runs (on 127.0.0.1) when SERVICEBUS_CONNECTION_STRING is unset.',
  }),
};
