import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { PromotionRedemption, PromotionRefusal, PromotionRefusalReason, PromotionValidation } from '@comply/contracts';
import { addToOutbox, auditEvent } from '@comply/messaging';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { actorOf, type Caller } from '@comply/tenant-directory';
import { BillingDatabase } from '../database/billing-database';
import { refusalMessage, refusalOf } from './promotion-eligibility';
import { promotionDiscountOf } from './promotion-view';
import { PromotionsRepository } from './promotions.repository';

/** A tenant checking and redeeming promotional codes. */
@Injectable()
export class PromotionsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly promotions: PromotionsRepository,
  ) {}

  validate(caller: Caller, code: string): Promise<PromotionValidation> {
    return withTenant(this.database.db, caller.tenantId, async (tx) => {
      const promotion = await this.promotions.find(tx, code);
      const redeemed = promotion ? await this.promotions.isRedeemedBy(tx, code, caller.tenantId) : false;
      const reason = refusalOf(promotion, redeemed, new Date()) ?? null;
      return { code, valid: reason === null, reason, discount: promotion ? promotionDiscountOf(promotion) : null };
    });
  }

  /**
   * One transaction: lock the code's row, check it, record the redemption and count it. Concurrent
   * redemptions of the code wait for the lock, so the cap holds; the key (code, tenant) and the check
   * after the lock make it once per tenant. The audit event commits with the redemption.
   */
  redeem(caller: Caller, code: string): Promise<PromotionRedemption> {
    const { tenantId } = caller;
    return withTenant(this.database.db, tenantId, async (tx) => {
      const promotion = await this.promotions.find(tx, code, true);
      const redeemed = promotion ? await this.promotions.isRedeemedBy(tx, code, tenantId) : false;
      const reason = refusalOf(promotion, redeemed, new Date());
      if (reason || !promotion) throw refused(reason ?? 'unknown');
      const redeemedAt = await this.promotions.redeem(tx, code, tenantId);
      await addToOutbox(
        tx,
        auditEvent({
          actor: actorOf(caller),
          action: 'promotional_code.redeem',
          resource: { type: 'promotional_code', id: code },
          tenantId,
          correlationId: caller.requestId,
          details: { redemptions: promotion.redemptions + 1, maxRedemptions: promotion.maxRedemptions },
        }),
      );
      return { code, tenantId, redeemedAt: redeemedAt.toISOString(), discount: promotionDiscountOf(promotion) };
    });
  }
}

function refused(reason: PromotionRefusalReason): ConflictException {
  const body: PromotionRefusal = { statusCode: 409, error: 'Conflict', message: refusalMessage(reason), reason };
  return new ConflictException(body);
}
