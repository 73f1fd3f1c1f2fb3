import { serviceOwning } from '@comply/config';
import type { BackupDatabase } from '@comply/contracts';
import { runMigrations, urlForDatabase } from '@comply/persistence';
import { Client } from 'pg';
import type { SnapshotManifest } from './snapshot-manifest';

export interface PrepareRestoreTargetOptions {
  /** A role that may create roles and databases (or at least owns the target database). */
  adminUrl: string;
  database: BackupDatabase;
  physicalName: string;
  manifest: SnapshotManifest;
  /** Restore over rows already in the snapshot's tables (the restore replaces them). */
  allowNonEmpty?: boolean;
  /** The service's `MIGRATIONS_DIR`, resolved: `migrations/` in the workspace, `/app/migrations` in the image. */
  migrationsDir: string;
}

/** The target cannot take the restore as it is. */
export class RestoreTargetRefused extends Error {
  override name = 'RestoreTargetRefused';
}

async function tablesHoldingRows(adminUrl: string, physicalName: string, tables: string[]): Promise<string[] | undefined> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [physicalName]);
    if (!exists.rowCount) return undefined;
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: urlForDatabase(adminUrl, physicalName) });
  await client.connect();
  try {
    const holding: string[] = [];
    for (const table of tables) {
      const present = await client.query<{ present: boolean }>('select to_regclass($1) is not null as present', [table]);
      if (!present.rows[0].present) continue;
      const [schema, name] = table.split('.', 2);
      const rows = await client.query(`select 1 from ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)} limit 1`);
      if (rows.rowCount) holding.push(table);
    }
    return holding;
  } finally {
    await client.end();
  }
}

/**
 * Makes `physicalName` ready for restoreSnapshot: roles and database created if missing, migrated
 * up to the manifest's last migration (not beyond: the snapshot's rows fit that schema). A database
 * that already exists and holds rows in any of the snapshot's tables (migration seed rows count) is
 * refused unless allowNonEmpty; a database created here holds only seed rows, which the restore replaces.
 */
export async function prepareRestoreTarget(options: PrepareRestoreTargetOptions): Promise<void> {
  const last = options.manifest.migrations.at(-1);
  if (!last) throw new RestoreTargetRefused('The manifest lists no migrations: there is no schema to restore into');
  if (!options.allowNonEmpty) {
    const holding = await tablesHoldingRows(options.adminUrl, options.physicalName, options.manifest.tables.map((t) => t.name));
    if (holding?.length) {
      throw new RestoreTargetRefused(
        `Database ${options.physicalName} already holds rows in ${holding.join(', ')}; restore into an empty or new database, or allow a non-empty target`,
      );
    }
  }
  await runMigrations({
    adminUrl: options.adminUrl,
    database: options.database,
    physicalDatabase: options.physicalName,
    migrationsDir: options.migrationsDir,
    withReader: serviceOwning(options.database).hasReadOnlyRole,
    upTo: last.name,
  });
}
