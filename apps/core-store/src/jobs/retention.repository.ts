import { Injectable } from '@nestjs/common';
import { eq, SQL, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { tenantUsage } from '../database/schema';

/**
 * What retention deletes of one tenant, a batch per call inside the tenant's transaction. With
 * `expiredBy`, only rows whose expires_at is at or before it; without, every row (an erased tenant).
 */
@Injectable()
export class RetentionRepository {
  /** Deletes up to `limit` records; returns their ids. */
  async deleteRecords(tx: CoreTransaction, tenantId: string, expiredBy: Date | undefined, limit: number): Promise<string[]> {
    // The primary key includes the partition key, so each row is found in its own partition.
    const result = await tx.execute<{ id: string }>(sql`
      delete from storage_records where (id, created_at) in (
        select id, created_at from storage_records where tenant_id = ${tenantId} ${due(expiredBy)} limit ${limit})
      returning id`);
    return result.rows.map((row) => row.id);
  }

  /** Deletes up to `limit` rows of the idempotency ledger; returns how many. */
  async deleteLedgerRows(tx: CoreTransaction, tenantId: string, expiredBy: Date | undefined, limit: number): Promise<number> {
    const result = await tx.execute(sql`
      delete from storage_record_keys where (tenant_id, request_id) in (
        select tenant_id, request_id from storage_record_keys where tenant_id = ${tenantId} ${due(expiredBy)} limit ${limit})`);
    return result.rowCount ?? 0;
  }

  /** The tenant's monthly usage counts. */
  async deleteUsage(tx: CoreTransaction, tenantId: string): Promise<void> {
    await tx.delete(tenantUsage).where(eq(tenantUsage.tenantId, tenantId));
  }
}

function due(expiredBy: Date | undefined): SQL {
  return expiredBy ? sql`and expires_at <= ${expiredBy}` : sql``;
}
