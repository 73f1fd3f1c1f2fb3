import { blobStorageSettings } from '@comply/blob-storage';
import { ConfigOf, ConfigValues, optional, serviceNamed, setting, type Setting } from '@comply/config';
import { BACKUP_DATABASES, type BackupDatabase } from '@comply/contracts';
import { cryptoSettings } from '@comply/crypto';
import { BACKUP_ROLE } from '@comply/persistence';
import { ServiceConfig } from '@comply/service-runtime';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** `core` → `CORE`: the part of a per-database variable's name. */
const upper = (database: BackupDatabase) => database.toUpperCase();

/** The variable naming the physical database behind a logical one, e.g. BACKUP_SOURCE_CORE_DB. */
export const sourceDatabaseVariable = (database: BackupDatabase) => `BACKUP_SOURCE_${upper(database)}_DB` as const;
/** The variable of a database's backup schedule, e.g. BACKUP_INTERVAL_CORE_MS. */
export const intervalVariable = (database: BackupDatabase) => `BACKUP_INTERVAL_${upper(database)}_MS` as const;

function perDatabase(make: (database: BackupDatabase) => Setting<unknown>, name: (database: BackupDatabase) => string): Record<string, Setting<unknown>> {
  return Object.fromEntries(BACKUP_DATABASES.map((database) => [name(database), make(database)]));
}

const sourceDatabases = perDatabase(
  (database) =>
    setting.string({
      default: database,
      pattern: /^[A-Za-z0-9_][A-Za-z0-9_$-]{0,62}$/,
      doc: `Physical name of the platform's \`${database}\` database on the source server.`,
    }),
  sourceDatabaseVariable,
);

const intervals = perDatabase(
  (database) =>
    setting.int({
      default: database === 'core' ? HOUR_MS : DAY_MS,
      min: 0,
      doc: `Pause between the end of one scheduled backup of \`${database}\` and the start of the next (0: not scheduled).`,
    }),
  intervalVariable,
);

const blobStorage = blobStorageSettings(serviceNamed('backup-worker'));
const localServer = (config: ConfigValues) => `postgres://postgres@${String(config.DB_HOST)}:${String(config.DB_PORT)}/postgres`;

/** What backup-worker reads besides the settings every service has (README: Configuration). */
export const backupWorkerSettings = {
  ...blobStorage,
  KEYVAULT_URL: cryptoSettings.KEYVAULT_URL,
  KEYVAULT_KEY_NAME: cryptoSettings.KEYVAULT_KEY_NAME,
  LOCAL_KEK_FILE: cryptoSettings.LOCAL_KEK_FILE,
  BACKUP_SOURCE_HOST: {
    ...setting.string({ doc: 'PostgreSQL server holding the platform databases. Unset: DB_HOST.' }),
    derive: (config: ConfigValues) => String(config.DB_HOST),
  },
  BACKUP_SOURCE_PORT: { ...setting.port({ doc: 'Its port. Unset: DB_PORT.' }), derive: (config: ConfigValues) => Number(config.DB_PORT) },
  BACKUP_SOURCE_USER: setting.string({
    default: BACKUP_ROLE,
    doc: 'Role the snapshots read as: reads every table (pg_read_all_data, BYPASSRLS), writes nothing. `npm run migrate` creates it; TLS and Entra ID as DB_SSL and DB_AUTH say.',
  }),
  BACKUP_SOURCE_PASSWORD: optional(setting.string({ secret: true, doc: 'Its password, unless the server trusts the connection or DB_AUTH=entra.' })),
  ...sourceDatabases,
  ...intervals,
  BACKUP_START_DELAY_MS: setting.int({
    default: 30_000,
    min: 0,
    doc: 'After start, the earliest a scheduled backup, drill or retention run begins; a backup due earlier (its interval passed since the last one) waits this long.',
  }),
  BACKUP_VERIFY_INTERVAL_MS: setting.int({
    default: DAY_MS,
    min: 0,
    doc: 'How often the restore drill runs: the newest completed backup of each database not yet verified is restored into a scratch database and compared (0: only on demand).',
  }),
  BACKUP_RETENTION_DAYS: {
    ...setting.int({ default: 35, min: 1, max: 3650, doc: 'Completed backups older than this are expired (never the newest verified one of a database); at least BACKUP_IMMUTABILITY_DAYS.' }),
    check: (days: number, config: ConfigValues) =>
      days < Number(config.BACKUP_IMMUTABILITY_DAYS) ? `must be at least BACKUP_IMMUTABILITY_DAYS (${String(config.BACKUP_IMMUTABILITY_DAYS)}): a blob cannot be deleted inside its immutability window` : undefined,
  },
  BACKUP_IMMUTABILITY_DAYS: setting.int({
    default: 7,
    min: 1,
    max: 3650,
    doc: "The container's locked time-based retention period in Azure: no backup is expired before it has passed.",
  }),
  BACKUP_RESTORE_ADMIN_URL: {
    ...setting.url({
      protocols: ['postgres', 'postgresql'],
      secret: true,
      doc: 'Server URL of a role with CREATEDB that is a member of every `<database>_owner` role: restore drills create, migrate, fill and drop scratch databases `<database>_drill_<id>` with it. Unset: the superuser `postgres` on DB_HOST:DB_PORT (what `npm start` runs).',
    }),
    derive: localServer,
  },
};

export type BackupWorkerSettings = typeof backupWorkerSettings;
export type BackupWorkerConfig = ServiceConfig<BackupWorkerSettings>;
export type BackupWorkerOwnConfig = ConfigOf<BackupWorkerSettings>;

/** The physical name of a platform database on the source server. */
export function sourceDatabaseName(config: BackupWorkerConfig, database: BackupDatabase): string {
  return String((config as unknown as Record<string, unknown>)[sourceDatabaseVariable(database)]);
}

/** A database's backup interval in ms; 0: not scheduled. */
export function backupInterval(config: BackupWorkerConfig, database: BackupDatabase): number {
  return Number((config as unknown as Record<string, unknown>)[intervalVariable(database)]);
}
