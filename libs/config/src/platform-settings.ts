import { optional, setting } from './setting';

/** Settings of the operator tools (`npm start`, `npm run migrate`), not of the services. */
export const platformSettings = {
  DATABASE_URL: optional(setting.url({
    protocols: ['postgres', 'postgresql'],
    secret: true,
    doc: 'Admin URL of a PostgreSQL server (creates databases and roles, runs migrations). Unset: `npm start` runs an embedded PostgreSQL under `.data/`; `npm run migrate` uses postgres://postgres@127.0.0.1:5432/postgres.',
  })),
  DATA_DIR: setting.string({ default: '.data', doc: 'Where `npm start` keeps embedded infrastructure state (git-ignored).' }),
  SERVICE_PORT_BASE: setting.port({
    default: 3001,
    doc: '`npm start` gives the five services consecutive ports from here (core-store, billing, analytics-ingest, audit-writer, backup-worker).',
  }),
  EMBEDDED_PG_PORT: setting.port({ default: 54329, doc: 'Port of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is unset.' }),
};
