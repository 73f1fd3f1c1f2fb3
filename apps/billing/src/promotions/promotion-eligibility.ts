import type { PromotionRefusalReason } from '@comply/contracts';

/** What decides whether a promotional code is redeemable. */
export interface PromotionTerms {
  active: boolean;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
}

/**
 * Why a tenant cannot redeem a code at `now`, or undefined when it can. The tenant's own earlier
 * redemption comes first: it stays true however the code changes later. The window includes both
 * ends.
 */
export function refusalOf(terms: PromotionTerms | undefined, redeemedByTenant: boolean, now: Date): PromotionRefusalReason | undefined {
  if (!terms) return 'unknown';
  if (redeemedByTenant) return 'already_redeemed';
  if (!terms.active) return 'inactive';
  if (terms.validFrom && now < terms.validFrom) return 'not_yet_valid';
  if (terms.validUntil && now > terms.validUntil) return 'expired';
  if (terms.maxRedemptions !== null && terms.redemptions >= terms.maxRedemptions) return 'exhausted';
  return undefined;
}

const REFUSAL_MESSAGES: Record<PromotionRefusalReason, string> = {
  unknown: 'No such promotional code',
  already_redeemed: 'This tenant has already redeemed the promotional code',
  inactive: 'The promotional code is no longer active',
  not_yet_valid: 'The promotional code is not valid yet',
  expired: 'The promotional code has expired',
  exhausted: 'The promotional code has been redeemed as often as it may be',
};

export function refusalMessage(reason: PromotionRefusalReason): string {
  return REFUSAL_MESSAGES[reason];
}
