import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';

/**
 * The monthly partitions of audit_log, through the definer function that may create them
 * (audit_app has no privileges on the partitions themselves). Months are "YYYY-MM-DD".
 */
@Injectable()
export class AuditPartitionsRepository {
  /** Creates the `months` monthly partitions from `fromMonth` that do not exist yet; returns their names. One replica at a time. */
  async ensure(tx: AuditTransaction, fromMonth: string, months: number): Promise<string[]> {
    // Creating a partition locks audit_log: rather give up (and retry the next day) than queue appends behind it.
    await tx.execute(sql`select set_config('lock_timeout', '5s', true)`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('audit-writer:partitions'))`);
    const result = await tx.execute<{ partition: string }>(sql`select audit_ensure_partitions(${fromMonth}::date, ${months}) as partition`);
    return result.rows.map((row) => row.partition);
  }
}
