import type { PromotionDiscount, PromotionResponse } from '@comply/contracts';
import { PromotionRow } from './promotions.repository';

/** Rows as the promotion routes answer them (contracts in libs/contracts/src/http/billing/). */

export function promotionDiscountOf(row: PromotionRow): PromotionDiscount {
  return {
    description: row.description,
    percentOff: row.percentOff,
    amountOffMinor: row.amountOffMinor,
    currency: row.currency,
    validFrom: row.validFrom?.toISOString() ?? null,
    validUntil: row.validUntil?.toISOString() ?? null,
  };
}

export function promotionResponseOf(row: PromotionRow): PromotionResponse {
  return {
    code: row.code,
    ...promotionDiscountOf(row),
    maxRedemptions: row.maxRedemptions,
    redemptions: row.redemptions,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
  };
}
