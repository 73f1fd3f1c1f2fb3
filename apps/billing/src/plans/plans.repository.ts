import { Injectable } from '@nestjs/common';
import { asc, eq, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { plans, tenantAccounts } from '../database/schema';

export type PlanRow = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;
export type PlanChanges = Partial<
  Pick<PlanRow, 'name' | 'stripePriceId' | 'priceMinor' | 'currency' | 'interval' | 'includedRecords' | 'overagePriceMinorPer1000' | 'features' | 'active'>
>;

/** SQL of the plan catalogue, which is platform-wide (no tenant context). */
@Injectable()
export class PlansRepository {
  async list(tx: BillingTransaction): Promise<PlanRow[]> {
    return tx.select().from(plans).orderBy(asc(plans.code));
  }

  /** With `lock`, concurrent changes to the plan take turns. */
  async find(tx: BillingTransaction, code: string, lock = false): Promise<PlanRow | undefined> {
    const query = tx.select().from(plans).where(eq(plans.code, code));
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  /** Inserts the plan, or returns undefined when the code is taken. */
  async insert(tx: BillingTransaction, plan: NewPlan): Promise<PlanRow | undefined> {
    const [row] = await tx.insert(plans).values(plan).onConflictDoNothing({ target: plans.code }).returning();
    return row;
  }

  async update(tx: BillingTransaction, code: string, changes: PlanChanges): Promise<PlanRow> {
    const [row] = await tx
      .update(plans)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(plans.code, code))
      .returning();
    return row;
  }

  /** Every tenant billing keeps an account for, across tenants (a SECURITY DEFINER function: the application role cannot read them otherwise). */
  async tenantIds(tx: BillingTransaction): Promise<string[]> {
    const rows = await tx.execute<{ tenant_id: string }>(sql`select billing_tenant_ids() as tenant_id`);
    return rows.rows.map((row) => row.tenant_id);
  }

  /** The plan and status of the transaction's tenant's account; undefined without one. */
  async accountOf(tx: BillingTransaction, tenantId: string): Promise<Pick<typeof tenantAccounts.$inferSelect, 'planCode' | 'status'> | undefined> {
    const [row] = await tx.select({ planCode: tenantAccounts.planCode, status: tenantAccounts.status }).from(tenantAccounts).where(eq(tenantAccounts.tenantId, tenantId));
    return row;
  }

  /** The plan using a Stripe price, if any: a price belongs to one plan. */
  async findByStripePrice(tx: BillingTransaction, stripePriceId: string): Promise<PlanRow | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.stripePriceId, stripePriceId));
    return row;
  }
}
