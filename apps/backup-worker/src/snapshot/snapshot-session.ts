import type { Client } from 'pg';

/**
 * Settings that decide how COPY text renders values, fixed so that the same rows always give the
 * same bytes (and so the same digest), whoever configured the server or the role.
 */
const COPY_TEXT_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  bytea_output: 'hex',
  client_encoding: 'UTF8',
};

async function applyCopyTextSettings(client: Client): Promise<void> {
  for (const [name, value] of Object.entries(COPY_TEXT_SETTINGS)) {
    await client.query('select set_config($1, $2, true)', [name, value]);
  }
}

/**
 * Starts the one consistent, read-only view of the database that a snapshot (or its digest) reads.
 * `row_security = off` makes a role without BYPASSRLS (a principal merely granted `platform_backup`
 * does not inherit it) fail on the first tenant table instead of silently reading no rows.
 */
export async function beginSnapshotTransaction(client: Client): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await applyCopyTextSettings(client);
  await client.query(`select set_config('row_security', 'off', true)`);
}

/** A restore writes under the same settings, so COPY text parses as it was rendered. */
export async function beginRestoreTransaction(client: Client): Promise<void> {
  await client.query('BEGIN');
  await applyCopyTextSettings(client);
}

/** `public.name` quoted for SQL. */
export function qualified(client: Client, name: string): string {
  const [schema, table] = name.includes('.') ? name.split('.', 2) : ['public', name];
  return `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
}

export function copyOutStatement(client: Client, table: string, columns: string[]): string {
  const list = columns.map((c) => client.escapeIdentifier(c)).join(', ');
  // Through a query, so a partitioned table is read (and later written) through its parent.
  return `COPY (SELECT ${list} FROM ${qualified(client, table)}) TO STDOUT`;
}
