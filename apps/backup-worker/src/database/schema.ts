/**
 * drizzle schema of the `backup` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/backup/; row-level security lives in hand-written migrations beside them.
 */
export const backupSchema = {};
export type BackupSchema = typeof backupSchema;
