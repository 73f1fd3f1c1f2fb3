import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { dimensionRollupsDaily, dimensionRollupsHourly, recordRollupsDaily, recordRollupsHourly } from '../database/schema';
import type { DimensionRow, RecordRow, RecordTally } from './record-tally';

type RecordTable = typeof recordRollupsHourly | typeof recordRollupsDaily;
type DimensionTable = typeof dimensionRollupsHourly | typeof dimensionRollupsDaily;

/**
 * The record rollups, in the tenant's transaction: additive upserts with fixed statement text over
 * the batch's rows as JSON, one statement per table, so a batch costs the same few statements
 * whatever its size.
 */
@Injectable()
export class RecordsRepository {
  async add(tx: AnalyticsTransaction, tenantId: string, tally: RecordTally): Promise<void> {
    await this.addRecords(tx, recordRollupsHourly, tenantId, tally.records.hourly);
    await this.addRecords(tx, recordRollupsDaily, tenantId, tally.records.daily);
    await this.addDimensions(tx, dimensionRollupsHourly, tenantId, tally.dimensions.hourly);
    await this.addDimensions(tx, dimensionRollupsDaily, tenantId, tally.dimensions.daily);
  }

  private async addRecords(tx: AnalyticsTransaction, table: RecordTable, tenantId: string, rows: RecordRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`insert into ${table} as r (tenant_id, bucket, stored, deleted, confidence, latency)
      select ${tenantId}, t.bucket, t.stored, t.deleted, t.confidence, t.latency
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(bucket timestamptz, stored bigint, deleted bigint, confidence bigint[], latency bigint[])
      on conflict (tenant_id, bucket) do update set
        stored = r.stored + excluded.stored,
        deleted = r.deleted + excluded.deleted,
        confidence = analytics_add_counts(r.confidence, excluded.confidence),
        latency = analytics_add_counts(r.latency, excluded.latency)`);
  }

  private async addDimensions(tx: AnalyticsTransaction, table: DimensionTable, tenantId: string, rows: DimensionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`insert into ${table} as r (tenant_id, bucket, dimension, key, stored)
      select ${tenantId}, t.bucket, t.dimension, t.key, t.stored
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(bucket timestamptz, dimension text, key text, stored bigint)
      on conflict (tenant_id, bucket, dimension, key) do update set stored = r.stored + excluded.stored`);
  }
}
