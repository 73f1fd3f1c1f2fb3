import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';

/** Creating or dropping a partition locks storage_records; rather give up (and retry next run) than queue every query behind a long one. */
const LOCK_TIMEOUT = '5s';

/**
 * The monthly partitions of storage_records, through the definer functions that may create and
 * drop them (core_app has no privileges on the partitions themselves). Months are "YYYY-MM-DD".
 */
@Injectable()
export class StoragePartitionsRepository {
  /** Creates the `months` monthly partitions from `fromMonth` that do not exist yet; returns their names. */
  async ensure(tx: CoreTransaction, fromMonth: string, months: number): Promise<string[]> {
    await this.limitLockWait(tx);
    const result = await tx.execute<{ partition: string }>(sql`select core_ensure_storage_partitions(${fromMonth}::date, ${months}) as partition`);
    return result.rows.map((row) => row.partition);
  }

  /** Drops the empty partitions of months before `keepFromMonth`; returns their names. In a savepoint, so a failure leaves `tx` usable. */
  async dropEmptyBefore(tx: CoreTransaction, keepFromMonth: string): Promise<string[]> {
    return tx.transaction(async (savepoint) => {
      await this.limitLockWait(savepoint);
      const result = await savepoint.execute<{ partition: string }>(sql`select core_drop_empty_storage_partitions(${keepFromMonth}::date) as partition`);
      return result.rows.map((row) => row.partition);
    });
  }

  /** For the rest of the transaction. */
  private async limitLockWait(tx: CoreTransaction): Promise<void> {
    await tx.execute(sql`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`);
  }
}
