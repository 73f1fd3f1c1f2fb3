import { Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { promotionalCodeRedemptions, promotionalCodes } from '../database/schema';

export type PromotionRow = typeof promotionalCodes.$inferSelect;
export type NewPromotion = typeof promotionalCodes.$inferInsert;
export type PromotionChanges = Partial<Pick<PromotionRow, 'description' | 'validFrom' | 'validUntil' | 'maxRedemptions' | 'active'>>;

/**
 * SQL of promotional codes (platform-wide) and their redemptions (tenant-owned: those calls run
 * inside the redeeming tenant's transaction).
 */
@Injectable()
export class PromotionsRepository {
  /**
   * With `lock`, the code's row stays locked until the transaction ends: concurrent redemptions
   * of one code take turns, and each sees the count the one before it committed.
   */
  async find(tx: BillingTransaction, code: string, lock = false): Promise<PromotionRow | undefined> {
    const query = tx.select().from(promotionalCodes).where(eq(promotionalCodes.code, code));
    const [row] = lock ? await query.for('update') : await query;
    return row;
  }

  async list(tx: BillingTransaction): Promise<PromotionRow[]> {
    return tx.select().from(promotionalCodes).orderBy(desc(promotionalCodes.createdAt), desc(promotionalCodes.code));
  }

  /** Inserts the code, or returns undefined when it exists. */
  async insert(tx: BillingTransaction, promotion: NewPromotion): Promise<PromotionRow | undefined> {
    const [row] = await tx.insert(promotionalCodes).values(promotion).onConflictDoNothing({ target: promotionalCodes.code }).returning();
    return row;
  }

  async update(tx: BillingTransaction, code: string, changes: PromotionChanges): Promise<PromotionRow> {
    const [row] = await tx.update(promotionalCodes).set(changes).where(eq(promotionalCodes.code, code)).returning();
    return row;
  }

  async isRedeemedBy(tx: BillingTransaction, code: string, tenantId: string): Promise<boolean> {
    const [row] = await tx
      .select({ code: promotionalCodeRedemptions.code })
      .from(promotionalCodeRedemptions)
      .where(and(eq(promotionalCodeRedemptions.code, code), eq(promotionalCodeRedemptions.tenantId, tenantId)));
    return row !== undefined;
  }

  /** Records the tenant's redemption and counts it on the (locked) code. The key (code, tenant) allows one per tenant. */
  async redeem(tx: BillingTransaction, code: string, tenantId: string): Promise<Date> {
    const [redemption] = await tx.insert(promotionalCodeRedemptions).values({ code, tenantId }).returning({ redeemedAt: promotionalCodeRedemptions.redeemedAt });
    await tx
      .update(promotionalCodes)
      .set({ redemptions: sql`${promotionalCodes.redemptions} + 1` })
      .where(eq(promotionalCodes.code, code));
    return redemption.redeemedAt;
  }
}
