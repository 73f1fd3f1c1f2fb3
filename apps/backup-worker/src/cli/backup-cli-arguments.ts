import { BACKUP_DATABASES, type BackupDatabase } from '@comply/contracts';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const BACKUP_USAGE = `Usage: npm run backup -- --database DATABASE

  Backs up one platform database now, in this process: a consistent snapshot read as the backup
  role, encrypted into blob storage with its manifest, recorded in the catalog with
  backup.completed.v1 (or backup.failed.v1). Progress (rows, MB, rows/s) goes to stderr.
  DATABASE: ${BACKUP_DATABASES.join(', ')}.
  Reads backup-worker's settings from the environment (README: Configuration); against
  \`npm start\`'s embedded PostgreSQL set DB_PORT=54329.
  Exit codes: 0 completed, 1 failed or another run holds the database's lock, 2 bad arguments.`;

export const RESTORE_USAGE = `Usage: npm run restore -- --database DATABASE --backup ID|latest --target POSTGRES_URL [--allow-non-empty]

  Restores a completed backup into the database POSTGRES_URL names: creates it if missing,
  migrates it to the backup's schema, downloads, checks the checksum, decrypts and restores every
  table in one transaction, then compares row counts and content digests with the manifest when
  the target's role reads past row-level security. A target holding any rows is refused unless
  --allow-non-empty. The URL's role needs CREATEDB (to create the database) and membership of
  DATABASE's owner role (e.g. core_owner).
  --backup latest: the newest completed backup of DATABASE.
  Exit codes: 0 restored (and equal), 1 failed, 2 bad arguments.`;

/** Wrong arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export type Parsed<T> = { help: true } | ({ help: false } & T);

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: argv, allowPositionals: false, strict: true, options: { ...options, help: { type: 'boolean', short: 'h' } } }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function databaseOf(value: string | boolean | undefined): BackupDatabase {
  if (typeof value !== 'string') throw new UsageError('--database is required');
  if (!(BACKUP_DATABASES as readonly string[]).includes(value)) throw new UsageError(`--database must be one of ${BACKUP_DATABASES.join(', ')}`);
  return value as BackupDatabase;
}

export function parseBackupArguments(argv: string[]): Parsed<{ database: BackupDatabase }> {
  const values = parse(argv, { database: { type: 'string' } });
  if (values.help) return { help: true };
  return { help: false, database: databaseOf(values.database) };
}

export interface RestoreArguments {
  database: BackupDatabase;
  /** A run id, or "latest". */
  backup: string;
  target: URL;
  allowNonEmpty: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRestoreArguments(argv: string[]): Parsed<RestoreArguments> {
  const values = parse(argv, { database: { type: 'string' }, backup: { type: 'string' }, target: { type: 'string' }, 'allow-non-empty': { type: 'boolean' } });
  if (values.help) return { help: true };
  const database = databaseOf(values.database);
  const backup = values.backup;
  if (typeof backup !== 'string') throw new UsageError('--backup is required: a backup id, or latest');
  if (backup !== 'latest' && !UUID.test(backup)) throw new UsageError('--backup must be a backup id (a UUID) or latest');
  if (typeof values.target !== 'string') throw new UsageError('--target is required: postgres://user@host:port/database');
  let target: URL;
  try {
    target = new URL(values.target);
  } catch {
    throw new UsageError('--target is not a URL');
  }
  if (!['postgres:', 'postgresql:'].includes(target.protocol)) throw new UsageError('--target must be a postgres:// URL');
  if (target.pathname.length <= 1) throw new UsageError('--target must name the database to restore into: postgres://user@host:port/database');
  return { help: false, database, backup: backup.toLowerCase(), target, allowNonEmpty: values['allow-non-empty'] === true };
}

/** The target as it may be printed: host, port and database, never the password. */
export function describeTarget(target: URL): string {
  return `${decodeURIComponent(target.pathname.slice(1))} on ${target.hostname}:${target.port || 5432}`;
}
