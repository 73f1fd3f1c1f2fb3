import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationFile {
  /** File name, e.g. `0001_storage_records.sql`; applied in lexical order. */
  name: string;
  sql: string;
  /** sha256 of the content with line endings normalised, so a checkout on Windows matches. */
  checksum: string;
}

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Reads `<migrationsDir>/<database>/*.sql` in order. drizzle-kit's `meta/` folder is ignored. */
export function readMigrationFiles(migrationsDir: string, database: string): MigrationFile[] {
  const dir = join(migrationsDir, database);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort();
  const misnamed = names.filter((name) => !MIGRATION_NAME.test(name));
  if (misnamed.length > 0) {
    throw new Error(`Migration files must be named NNNN_snake_case.sql: ${misnamed.join(', ')} in ${dir}`);
  }
  return names.map((name) => {
    const sql = readFileSync(join(dir, name), 'utf8');
    return { name, sql, checksum: checksumOf(sql) };
  });
}

/** Content hash of a whole migration folder: names test template databases, so edits rebuild them. */
export function fingerprintOf(files: MigrationFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.name}:${file.checksum}\n`);
  return hash.digest('hex');
}
