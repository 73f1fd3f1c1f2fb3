import { DATABASE_NAMES, DatabaseName, SERVICES } from '@comply/config';
import { MigrateResult, runMigrations } from '@comply/persistence';

/** Accepts database names (`core`) or service names (`core-store`); none means all five. */
export function selectDatabases(args: string[]): DatabaseName[] {
  if (args.length === 0) return [...DATABASE_NAMES];
  return args.map((arg) => {
    const service = SERVICES.find((s) => s.name === arg || s.database === arg);
    if (!service) {
      throw new Error(`Unknown database or service "${arg}" (databases: ${DATABASE_NAMES.join(', ')}; services: ${SERVICES.map((s) => s.name).join(', ')})`);
    }
    return service.database;
  });
}

/** Migrates each database in turn; stops at the first failure so the error is unambiguous. */
export async function migrateDatabases(
  adminUrl: string,
  databases: DatabaseName[],
  migrationsDir: string,
  log: (message: string) => void,
): Promise<MigrateResult[]> {
  const results: MigrateResult[] = [];
  for (const database of databases) {
    const withReader = SERVICES.find((s) => s.database === database)?.hasReadOnlyRole ?? false;
    const result = await runMigrations({ adminUrl, database, migrationsDir, withReader, log });
    log(`${database}: ${result.applied.length ? `${result.applied.length} applied` : 'up to date'}`);
    results.push(result);
  }
  return results;
}
