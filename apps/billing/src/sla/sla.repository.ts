import { Injectable } from '@nestjs/common';
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { invoices, slaCommitments, slaMeasurements } from '../database/schema';

export type SlaCommitmentRow = typeof slaCommitments.$inferSelect;
export type NewSlaCommitment = typeof slaCommitments.$inferInsert;
export type SlaCommitmentChanges = Partial<Pick<SlaCommitmentRow, 'active' | 'target' | 'creditPercent'>>;
export type SlaMeasurementRow = typeof slaMeasurements.$inferSelect;

export interface NewSlaMeasurement {
  tenantId: string;
  commitment: SlaCommitmentRow;
  period: string;
  measured: number;
  /** The credit a breach earns, in minor units; stored only when the measurement breaches. */
  creditOnBreach: number;
}

/** SQL of SLA commitments and measurements; every call runs inside the tenant's transaction. */
@Injectable()
export class SlaRepository {
  async listCommitments(tx: BillingTransaction, tenantId: string): Promise<SlaCommitmentRow[]> {
    return tx.select().from(slaCommitments).where(eq(slaCommitments.tenantId, tenantId)).orderBy(desc(slaCommitments.createdAt), desc(slaCommitments.id));
  }

  /** Locked until the transaction ends: a measurement and a change of the commitment take turns. */
  async lockCommitment(tx: BillingTransaction, tenantId: string, id: string): Promise<SlaCommitmentRow | undefined> {
    const [row] = await tx
      .select()
      .from(slaCommitments)
      .where(and(eq(slaCommitments.tenantId, tenantId), eq(slaCommitments.id, id)))
      .for('update');
    return row;
  }

  async insertCommitment(tx: BillingTransaction, commitment: NewSlaCommitment): Promise<SlaCommitmentRow> {
    const [row] = await tx.insert(slaCommitments).values(commitment).returning();
    return row;
  }

  async updateCommitment(tx: BillingTransaction, tenantId: string, id: string, changes: SlaCommitmentChanges): Promise<SlaCommitmentRow> {
    const [row] = await tx
      .update(slaCommitments)
      .set(changes)
      .where(and(eq(slaCommitments.tenantId, tenantId), eq(slaCommitments.id, id)))
      .returning();
    return row;
  }

  async listMeasurements(tx: BillingTransaction, tenantId: string): Promise<SlaMeasurementRow[]> {
    return tx
      .select()
      .from(slaMeasurements)
      .where(eq(slaMeasurements.tenantId, tenantId))
      .orderBy(desc(slaMeasurements.period), desc(slaMeasurements.createdAt), desc(slaMeasurements.id));
  }

  async findMeasurement(tx: BillingTransaction, commitmentId: string, period: string): Promise<SlaMeasurementRow | undefined> {
    const [row] = await tx
      .select()
      .from(slaMeasurements)
      .where(and(eq(slaMeasurements.commitmentId, commitmentId), eq(slaMeasurements.period, period)));
    return row;
  }

  /** The amount paid of the tenant's latest paid invoice whose billed period overlaps the UTC month; undefined when none. */
  async latestPaidAmount(tx: BillingTransaction, tenantId: string, period: string): Promise<number | undefined> {
    // The month's bounds in SQL: the end of December 9999 is beyond what a JS Date can send as ISO text.
    const from = sql`(${period} || '-01T00:00:00Z')::timestamptz`;
    const until = sql`${from} + interval '1 month'`;
    const [row] = await tx
      .select({ amountPaid: invoices.amountPaid })
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.status, 'paid'), lt(invoices.periodStart, until), gt(invoices.periodEnd, from)))
      .orderBy(desc(invoices.periodStart), desc(invoices.createdAt))
      .limit(1);
    return row?.amountPaid;
  }

  /**
   * Whether the measurement breaches is decided by PostgreSQL on the values as stored
   * (numeric(12, 4)), so a measured value with more decimals compares as it will be read back.
   */
  async insertMeasurement(tx: BillingTransaction, measurement: NewSlaMeasurement): Promise<SlaMeasurementRow> {
    const { commitment } = measurement;
    const measured = sql`${measurement.measured}::numeric(12, 4)`;
    const target = sql`${commitment.target}::numeric(12, 4)`;
    const breached = commitment.comparison === 'at_least' ? sql`${measured} < ${target}` : sql`${measured} > ${target}`;
    const [row] = await tx
      .insert(slaMeasurements)
      .values({
        tenantId: measurement.tenantId,
        commitmentId: commitment.id,
        period: measurement.period,
        measured: sql`${measured}`,
        breached: sql`${breached}`,
        creditMinor: sql`case when ${breached} then ${measurement.creditOnBreach}::bigint end`,
      })
      .returning();
    return row;
  }
}
