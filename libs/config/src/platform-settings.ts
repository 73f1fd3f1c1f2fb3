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
  SERVICEBUS_EMULATOR_PORT: setting.port({
    readBy: '`npm start`',
    default: 5673,
    doc: 'Port of the Service Bus emulator that `npm start` runs (on 127.0.0.1) when SERVICEBUS_CONNECTION_STRING is unset.',
  }),
};
