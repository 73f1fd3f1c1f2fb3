import { Injectable } from '@nestjs/common';
import { type SQL, sql } from 'drizzle-orm';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { dimensionRollupsDaily, dimensionRollupsHourly, recordRollupsDaily, recordRollupsHourly } from '../database/schema';
import type { DimensionRow, RecordRow, RecordTally } from './record-tally';

type RecordTable = typeof recordRollupsHourly | typeof recordRollupsDaily;
type DimensionTable = typeof dimensionRollupsHourly | typeof dimensionRollupsDaily;

/**
 * The record rollups, in the tenant's transaction: additive upserts with fixed statement text over
 * the batch's rows as JSON, the four tables in one statement (a CTE each), so a tenant's share of a
 * batch costs one round trip whatever its size.
 */
@Injectable()
export class RecordsRepository {
  async add(tx: AnalyticsTransaction, tenantId: string, tally: RecordTally): Promise<void> {
    await tx.execute(sql`with
      records_hourly as (${this.addRecords(recordRollupsHourly, tenantId, tally.records.hourly)}),
      records_daily as (${this.addRecords(recordRollupsDaily, tenantId, tally.records.daily)}),
      dimensions_hourly as (${this.addDimensions(dimensionRollupsHourly, tenantId, tally.dimensions.hourly)}),
      dimensions_daily as (${this.addDimensions(dimensionRollupsDaily, tenantId, tally.dimensions.daily)})
      select 1`);
  }

  private addRecords(table: RecordTable, tenantId: string, rows: RecordRow[]): SQL {
    return sql`insert into ${table} as r (tenant_id, bucket, stored, deleted, confidence, latency)
      select ${tenantId}, t.bucket, t.stored, t.deleted, t.confidence, t.latency
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(bucket timestamptz, stored bigint, deleted bigint, confidence bigint[], latency bigint[])
      on conflict (tenant_id, bucket) do update set
        stored = r.stored + excluded.stored,
        deleted = r.deleted + excluded.deleted,
        confidence = analytics_add_counts(r.confidence, excluded.confidence),
        latency = analytics_add_counts(r.latency, excluded.latency)`;
  }

  private addDimensions(table: DimensionTable, tenantId: string, rows: DimensionRow[]): SQL {
    return sql`insert into ${table} as r (tenant_id, bucket, dimension, key, stored)
      select ${tenantId}, t.bucket, t.dimension, t.key, t.stored
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(bucket timestamptz, dimension text, key text, stored bigint)
      on conflict (tenant_id, bucket, dimension, key) do update set stored = r.stored + excluded.stored`;
  }
}
