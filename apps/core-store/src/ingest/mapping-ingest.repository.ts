import { Injectable } from '@nestjs/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { storageRecordKeys, storageRecords, tenantUsage } from '../database/schema';

export type NewRecordRow = typeof storageRecords.$inferInsert;

/** The SQL of ingest; every call runs inside the tenant's transaction. */
@Injectable()
export class MappingIngestRepository {
  /**
   * Claims each (tenant, request id) in the idempotency ledger. Returns the keys this transaction
   * claimed; a key another transaction holds uncommitted makes this insert wait for it, so two
   * concurrent submissions of one request can never both win.
   */
  async claimRequestIds(tx: CoreTransaction, rows: Array<typeof storageRecordKeys.$inferInsert>): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const claimed = await tx.insert(storageRecordKeys).values(rows).onConflictDoNothing().returning({ requestId: storageRecordKeys.requestId });
    return new Set(claimed.map((row) => row.requestId));
  }

  /** Record ids of request ids stored before. */
  async recordIdsOf(tx: CoreTransaction, tenantId: string, requestIds: string[]): Promise<Map<string, string>> {
    if (requestIds.length === 0) return new Map();
    const rows = await tx
      .select({ requestId: storageRecordKeys.requestId, recordId: storageRecordKeys.recordId })
      .from(storageRecordKeys)
      .where(and(eq(storageRecordKeys.tenantId, tenantId), inArray(storageRecordKeys.requestId, requestIds)));
    return new Map(rows.map((row) => [row.requestId, row.recordId]));
  }

  /** Gives back keys this transaction claimed for mappings it then refused, so a later resend can be stored. */
  async releaseRequestIds(tx: CoreTransaction, tenantId: string, requestIds: string[]): Promise<void> {
    if (requestIds.length === 0) return;
    await tx.delete(storageRecordKeys).where(and(eq(storageRecordKeys.tenantId, tenantId), inArray(storageRecordKeys.requestId, requestIds)));
  }

  /** Adds to (or, negative, takes back from) the month's usage and returns the new total; the row lock serialises a tenant's concurrent ingests. */
  async addUsage(tx: CoreTransaction, tenantId: string, month: string, records: number): Promise<number> {
    const [row] = await tx
      .insert(tenantUsage)
      .values({ tenantId, month, records })
      .onConflictDoUpdate({ target: [tenantUsage.tenantId, tenantUsage.month], set: { records: sql`${tenantUsage.records} + excluded.records` } })
      .returning({ records: tenantUsage.records });
    return row.records;
  }

  async insertRecords(tx: CoreTransaction, rows: NewRecordRow[]): Promise<void> {
    if (rows.length > 0) await tx.insert(storageRecords).values(rows);
  }
}
