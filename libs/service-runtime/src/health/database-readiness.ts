import { join } from 'node:path';
import { DatabaseClient, describeStatus, isServable, MigrationFile, migrationStatus, readMigrationFiles } from '@comply/persistence';

/**
 * Ready means: the service's own database answers, as the application role, and has applied every
 * migration this build ships, unchanged. Migrations newer than the build do not make it unready, so
 * the previous release keeps serving while a rolling upgrade's migration job runs ahead of it.
 */
export function databaseReadiness(
  database: DatabaseClient<Record<string, unknown>>,
  migrationsDir: string,
  logicalDatabase: string,
): () => Promise<void> {
  let files: MigrationFile[] | undefined;
  let readError: Error | undefined;
  try {
    files = readMigrationFiles(migrationsDir, logicalDatabase);
  } catch (error) {
    readError = new Error(`cannot read migrations from ${join(migrationsDir, logicalDatabase)}: ${(error as Error).message}`);
  }
  return async () => {
    if (readError || !files) throw readError;
    const status = await migrationStatus(database.pool, files);
    if (!isServable(status)) throw new Error(`migrations not current (${describeStatus(status)})`);
  };
}
