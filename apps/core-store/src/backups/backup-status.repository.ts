import { Injectable } from '@nestjs/common';
import { and, eq, lte, ne } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { storageRecords } from '../database/schema';
import { TenantsRepository } from '../tenants/tenants.repository';

/**
 * Backup bookkeeping on storage_records, in the transaction of the backup event being handled.
 * Each update covers one tenant (the one app.tenant_id names) and only rows that are not yet
 * backed up: what storage_records_backup_pending_idx holds, by tenant and created_at.
 */
@Injectable()
export class BackupStatusRepository {
  constructor(private readonly tenants: TenantsRepository) {}

  /** Tenants a whole-database backup covered: every one that can still hold records it did not yet see as deleted. */
  tenantIds(tx: CoreTransaction): Promise<string[]> {
    return this.tenants.idsWithStatus(tx, ['active', 'suspended']);
  }

  /** Records stored by the time the backup started are in it. Returns how many changed. */
  async markBackedUp(tx: CoreTransaction, tenantId: string, backupId: string, startedAt: Date): Promise<number> {
    const result = await tx
      .update(storageRecords)
      .set({ backupStatus: 'backed_up', backupRef: backupId })
      .where(and(eq(storageRecords.tenantId, tenantId), lte(storageRecords.createdAt, startedAt), ne(storageRecords.backupStatus, 'backed_up')));
    return result.rowCount ?? 0;
  }

  /** Records still waiting for their first backup are marked as missed by this one; a backed-up record stays backed up. */
  async markFailed(tx: CoreTransaction, tenantId: string, backupId: string, startedAt: Date): Promise<number> {
    const result = await tx
      .update(storageRecords)
      .set({ backupStatus: 'failed', backupRef: backupId })
      .where(and(eq(storageRecords.tenantId, tenantId), lte(storageRecords.createdAt, startedAt), eq(storageRecords.backupStatus, 'pending')));
    return result.rowCount ?? 0;
  }
}
