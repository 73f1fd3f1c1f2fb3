import { Injectable } from '@nestjs/common';
import { and, arrayContains, desc, eq, getTableColumns, gte, lte, SQL, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { storageRecords } from '../database/schema';
import { RecordListFilters } from './record-list-query';

export type RecordRow = typeof storageRecords.$inferSelect;

// Listings leave out the payloads: the encrypted source data is never read to be thrown away.
const { sourceData: _sourceData, metadata: _metadata, provenance: _provenance, ...summaryColumns } = getTableColumns(storageRecords);
export type RecordSummaryRow = Omit<RecordRow, 'sourceData' | 'metadata' | 'provenance'>;

/**
 * The SQL of reading and deleting records; every call runs inside the tenant's transaction. Each
 * single-record statement matches created_at as well as the id (a UUIDv7 encodes it), so
 * PostgreSQL touches the one monthly partition that can hold the record.
 */
@Injectable()
export class RecordsRepository {
  async find(tx: CoreTransaction, tenantId: string, id: string, createdAt: Date): Promise<RecordRow | undefined> {
    const [row] = await tx.select().from(storageRecords).where(this.identifies(tenantId, id, createdAt));
    return row;
  }

  /** One page, newest first; ties on created_at are broken by id, the same order as the index. */
  async list(tx: CoreTransaction, tenantId: string, filters: RecordListFilters, limit: number): Promise<RecordSummaryRow[]> {
    const conditions: Array<SQL | undefined> = [
      eq(storageRecords.tenantId, tenantId),
      filters.detector === undefined ? undefined : eq(storageRecords.detectorName, filters.detector),
      filters.taxonomy === undefined ? undefined : arrayContains(storageRecords.taxonomyPaths, [filters.taxonomy]),
      filters.modelVersion === undefined ? undefined : eq(storageRecords.modelVersion, filters.modelVersion),
      filters.minConfidence === undefined ? undefined : gte(storageRecords.confidence, filters.minConfidence),
      filters.maxConfidence === undefined ? undefined : lte(storageRecords.confidence, filters.maxConfidence),
      // As timestamptz text, so a bound finer than a millisecond is not rounded by a JS Date.
      filters.from === undefined ? undefined : sql`${storageRecords.createdAt} >= ${filters.from}::timestamptz`,
      filters.to === undefined ? undefined : sql`${storageRecords.createdAt} < ${filters.to}::timestamptz`,
    ];
    if (filters.after) {
      // The plain bound lets the planner skip newer partitions; the row comparison is the keyset.
      conditions.push(
        lte(storageRecords.createdAt, filters.after.createdAt),
        sql`(${storageRecords.createdAt}, ${storageRecords.id}) < (${filters.after.createdAt.toISOString()}::timestamptz, ${filters.after.id}::uuid)`,
      );
    }
    return tx
      .select(summaryColumns)
      .from(storageRecords)
      .where(and(...conditions))
      .orderBy(desc(storageRecords.createdAt), desc(storageRecords.id))
      .limit(limit);
  }

  /** Deletes the record; false when the tenant has none with this id. */
  async delete(tx: CoreTransaction, tenantId: string, id: string, createdAt: Date): Promise<boolean> {
    const deleted = await tx.delete(storageRecords).where(this.identifies(tenantId, id, createdAt)).returning({ id: storageRecords.id });
    return deleted.length > 0;
  }

  private identifies(tenantId: string, id: string, createdAt: Date): SQL | undefined {
    return and(eq(storageRecords.tenantId, tenantId), eq(storageRecords.id, id), eq(storageRecords.createdAt, createdAt));
  }
}
