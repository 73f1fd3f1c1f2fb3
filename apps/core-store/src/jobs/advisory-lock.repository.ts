import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { sql } from 'drizzle-orm';
import { CoreDatabase, CoreTransaction } from '../database/core-database';

export type LockedRun<T> = { acquired: true; value: T } | { acquired: false };

/** Transaction-scoped advisory locks, so a scheduled job runs on one replica at a time. */
@Injectable()
export class AdvisoryLockRepository {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: CoreDatabase) {}

  /**
   * Runs `work` while holding the advisory lock `name`, or not at all when another session (another
   * replica) holds it. `work` gets the lock's transaction for statements of its own; work that must
   * commit as it goes uses transactions of its own while this one stays open. The lock ends with
   * `work`, or with the connection should the process die.
   */
  async withLock<T>(name: string, work: (lockTx: CoreTransaction) => Promise<T>): Promise<LockedRun<T>> {
    return this.database.db.transaction(async (tx) => {
      const result = await tx.execute<{ acquired: boolean }>(sql`select pg_try_advisory_xact_lock(hashtextextended(${name}, 0)) as acquired`);
      if (!result.rows[0]?.acquired) return { acquired: false };
      return { acquired: true, value: await work(tx) };
    });
  }
}
