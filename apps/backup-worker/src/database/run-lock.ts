import type { BackupDatabase } from '@comply/contracts';
import { poolConfigFrom, type DatabaseConnectionSettings } from '@comply/persistence';
import { Client } from 'pg';

/** Held while one database is backed up; released when the run ends, or by the server when the worker dies. */
export interface RunLock {
  release(): Promise<void>;
}

/**
 * Session advisory locks on the catalog database, one per backed-up database, each on a connection
 * of its own (not the pool's, which a run lasting hours would starve): two workers never back up
 * the same database at once, and a killed worker's lock goes with its connection.
 */
export class RunLocks {
  constructor(private readonly catalog: DatabaseConnectionSettings) {}

  /** The lock of `database`, or undefined when another session holds it. */
  async tryLock(database: BackupDatabase): Promise<RunLock | undefined> {
    const client = new Client(poolConfigFrom({ ...this.catalog, DB_STATEMENT_TIMEOUT_MS: 0 }, { applicationName: 'backup-worker lock' }));
    await client.connect();
    let locked = false;
    try {
      const result = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(hashtext($1)) as locked`, [lockName(database)]);
      locked = result.rows[0]?.locked === true;
    } finally {
      if (!locked) await client.end();
    }
    if (!locked) return undefined;
    // A connection lost while the run goes on is reported on the client; the lock is gone with it, the run carries on.
    client.on('error', () => undefined);
    return {
      async release() {
        await client.end().catch(() => undefined);
      },
    };
  }
}

/** The advisory lock key's text, hashed by the database: also what an operator locks by hand to hold off backups. */
export function lockName(database: BackupDatabase): string {
  return `backup-worker:backup:${database}`;
}
