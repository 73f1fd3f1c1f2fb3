import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { backupRollupsDaily } from '../database/schema';
import type { BackupRow } from './backup-tally';

/** backup_rollups_daily, in the tenant's (or the platform's) transaction. */
@Injectable()
export class BackupsRepository {
  async add(tx: AnalyticsTransaction, tenantId: string, rows: BackupRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`insert into ${backupRollupsDaily} as r (tenant_id, bucket, database, completed, failed, last_completed_at, last_failed_at)
      select ${tenantId}, t.bucket, t.database, t.completed, t.failed, t.last_completed_at, t.last_failed_at
        from jsonb_to_recordset(${JSON.stringify(rows.map(({ lastCompletedAt, lastFailedAt, ...row }) => ({ ...row, last_completed_at: lastCompletedAt, last_failed_at: lastFailedAt })))}::jsonb)
          as t(bucket timestamptz, database text, completed bigint, failed bigint, last_completed_at timestamptz, last_failed_at timestamptz)
      on conflict (tenant_id, bucket, database) do update set
        completed = r.completed + excluded.completed,
        failed = r.failed + excluded.failed,
        last_completed_at = greatest(r.last_completed_at, excluded.last_completed_at),
        last_failed_at = greatest(r.last_failed_at, excluded.last_failed_at)`);
  }
}
