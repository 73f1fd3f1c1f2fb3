import { resolve } from 'node:path';
import { ConfigError, loadConfig, platformSettings } from '@comply/config';
import { migrateDatabases, selectDatabases } from './migrate-databases';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `npm run migrate [-- <database|service>...]`: applies pending migrations as the owner roles. */
async function main(): Promise<void> {
  const config = loadConfig(platformSettings);
  const databases = selectDatabases(process.argv.slice(2));
  const migrationsDir = resolve(process.env.MIGRATIONS_DIR ?? 'migrations');
  await migrateDatabases(config.DATABASE_URL ?? DEFAULT_ADMIN_URL, databases, migrationsDir, (line) =>
    process.stdout.write(`${line}\n`),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`migrate: ${message}\n`);
  process.exit(1);
});
