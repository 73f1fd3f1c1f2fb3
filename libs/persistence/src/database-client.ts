import type { TokenCredential } from '@azure/identity';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { DatabaseConnectionSettings, poolConfigFrom } from './connection-options';

export type Database<TSchema extends Record<string, unknown> = Record<string, never>> = NodePgDatabase<TSchema>;

/** A service's connection to its own database: the pg pool and a drizzle instance over it. */
export interface DatabaseClient<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly pool: Pool;
  readonly db: Database<TSchema>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseClientOptions<TSchema extends Record<string, unknown>> {
  applicationName: string;
  schema?: TSchema;
  credential?: TokenCredential;
  /** Told about each idle connection that fails (server restart, failover, terminated backend); describe it with describeError. */
  onPoolError?: (error: Error) => void;
}

export function createDatabaseClient<TSchema extends Record<string, unknown> = Record<string, never>>(
  settings: DatabaseConnectionSettings,
  options: DatabaseClientOptions<TSchema>,
): DatabaseClient<TSchema> {
  const pool = new Pool(poolConfigFrom(settings, options));
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.onPoolError?.(error));
  // The pool listens for errors only on idle clients. A checked-out client whose connection dies
  // while none of its queries runs (a transaction awaiting other work) would emit an unheard
  // 'error' and crash the process. Heard here, the error is not lost: the client is no longer
  // queryable, so its next query fails with it, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle(pool, { schema: options.schema }) as Database<TSchema>;
  let closed: Promise<void> | undefined;
  return {
    pool,
    db,
    async ping() {
      await pool.query('select 1');
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
