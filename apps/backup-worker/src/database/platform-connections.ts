import type { BackupDatabase } from '@comply/contracts';
import { poolConfigFrom, urlForDatabase, type DatabaseConnectionSettings } from '@comply/persistence';
import { Client } from 'pg';
import { BackupWorkerConfig, sourceDatabaseName } from '../backup-worker-settings';

export type { Client as PlatformConnection } from 'pg';

type SourceSettings = Pick<
  BackupWorkerConfig,
  'BACKUP_SOURCE_HOST' | 'BACKUP_SOURCE_PORT' | 'BACKUP_SOURCE_USER' | 'BACKUP_SOURCE_PASSWORD' | 'DB_AUTH' | 'DB_SSL'
>;

/** The source server as BACKUP_SOURCE_USER, on `physicalName`; no statement timeout: a snapshot reads whole tables. */
function sourceSettings(config: SourceSettings, physicalName: string): DatabaseConnectionSettings {
  return {
    DB_HOST: config.BACKUP_SOURCE_HOST,
    DB_PORT: config.BACKUP_SOURCE_PORT,
    DB_NAME: physicalName,
    DB_USER: config.BACKUP_SOURCE_USER,
    DB_PASSWORD: config.BACKUP_SOURCE_PASSWORD,
    DB_AUTH: config.DB_AUTH,
    DB_SSL: config.DB_SSL,
    DB_STATEMENT_TIMEOUT_MS: 0,
  };
}

async function connected(client: Client): Promise<Client> {
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** A platform database as the backup role (platform_backup): what snapshots and digests read through. */
export function connectAsBackupRole(config: BackupWorkerConfig, physicalName: string, applicationName = 'backup-worker'): Promise<Client> {
  return connected(new Client(poolConfigFrom(sourceSettings(config, physicalName), { applicationName })));
}

/** The platform's `database` on the source server, as the backup role. */
export function connectToSource(config: BackupWorkerConfig, database: BackupDatabase): Promise<Client> {
  return connectAsBackupRole(config, sourceDatabaseName(config, database));
}

/** `physicalName` on the server of `serverUrl`, as that URL's role. */
export function connectByUrl(serverUrl: string, physicalName: string, applicationName = 'backup-worker'): Promise<Client> {
  return connected(new Client({ connectionString: urlForDatabase(serverUrl, physicalName), application_name: applicationName }));
}

/** The role of a restore target must read the restored rows past row-level security to compare their digests. */
export async function bypassesRowSecurity(client: Client): Promise<boolean> {
  const result = await client.query<{ bypasses: boolean }>(`select rolsuper or rolbypassrls as bypasses from pg_roles where rolname = current_user`);
  return result.rows[0]?.bypasses === true;
}

/** Drops a scratch database, ending its sessions; nothing when it does not exist. */
export async function dropDatabase(serverUrl: string, physicalName: string): Promise<void> {
  const admin = await connectByUrl(serverUrl, 'postgres');
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(physicalName)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
