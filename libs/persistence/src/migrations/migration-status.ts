import type { ClientBase, Pool } from 'pg';
import { MigrationFile } from './migration-files';

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface AppliedMigration {
  name: string;
  checksum: string;
}

export interface MigrationStatus {
  /** Files not yet applied, in order. */
  pending: string[];
  /** Applied files whose content changed since. */
  edited: string[];
  /** Applied migrations that no file describes (the code is older than the database). */
  unknown: string[];
}

export function isCurrent(status: MigrationStatus): boolean {
  return status.pending.length === 0 && status.edited.length === 0 && status.unknown.length === 0;
}

/**
 * Can this build serve from the database? Everything it ships must be applied as shipped; migrations
 * it does not know are a newer release's, applied by that release's migration job while this one
 * still serves a rolling upgrade (migrations stay compatible with the release before them).
 */
export function isServable(status: MigrationStatus): boolean {
  return status.pending.length === 0 && status.edited.length === 0;
}

export async function readAppliedMigrations(client: Pool | ClientBase): Promise<AppliedMigration[] | undefined> {
  const exists = await client.query<{ present: boolean }>(
    `select to_regclass('public.${MIGRATIONS_TABLE}') is not null as present`,
  );
  if (!exists.rows[0].present) return undefined;
  const result = await client.query<AppliedMigration>(
    `select name, checksum from public.${MIGRATIONS_TABLE} order by name`,
  );
  return result.rows;
}

export function compareMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationStatus {
  const byName = new Map(applied.map((m) => [m.name, m.checksum]));
  const fileNames = new Set(files.map((f) => f.name));
  return {
    pending: files.filter((f) => !byName.has(f.name)).map((f) => f.name),
    edited: files.filter((f) => byName.has(f.name) && byName.get(f.name) !== f.checksum).map((f) => f.name),
    unknown: applied.filter((m) => !fileNames.has(m.name)).map((m) => m.name),
  };
}

/** How the database's applied migrations compare with the ones this build ships. */
export async function migrationStatus(client: Pool | ClientBase, files: MigrationFile[]): Promise<MigrationStatus> {
  const applied = await readAppliedMigrations(client);
  if (!applied) return { pending: files.map((f) => f.name), edited: [], unknown: [] };
  return compareMigrations(files, applied);
}

export function describeStatus(status: MigrationStatus): string {
  const parts: string[] = [];
  if (status.pending.length) parts.push(`pending: ${status.pending.join(', ')}`);
  if (status.edited.length) parts.push(`edited after being applied: ${status.edited.join(', ')}`);
  if (status.unknown.length) parts.push(`applied but unknown to this build: ${status.unknown.join(', ')}`);
  return parts.join('; ') || 'current';
}
