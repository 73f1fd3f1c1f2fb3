import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { CreatePromotionRequest, PromotionList, PromotionResponse, UpdatePromotionRequest } from '@comply/contracts';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { optionalDate } from '../http/request-values';
import { promotionResponseOf } from './promotion-view';
import { PromotionChanges, PromotionsRepository } from './promotions.repository';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/** Promotional codes as operators create and change them; platform-wide, so no tenant context. */
@Injectable()
export class PromotionsAdminService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly promotions: PromotionsRepository,
  ) {}

  async list(): Promise<PromotionList> {
    const rows = await this.database.db.transaction((tx) => this.promotions.list(tx));
    return { items: rows.map(promotionResponseOf) };
  }

  create(request: CreatePromotionRequest, requestId: string): Promise<PromotionResponse> {
    return this.database.db.transaction(async (tx) => {
      const row = await this.promotions.insert(tx, {
        code: request.code,
        description: request.description ?? null,
        percentOff: request.percentOff ?? null,
        amountOffMinor: request.amountOffMinor ?? null,
        currency: request.currency ?? null,
        validFrom: optionalDate(request.validFrom) ?? null,
        validUntil: optionalDate(request.validUntil) ?? null,
        maxRedemptions: request.maxRedemptions ?? null,
        active: request.active,
      });
      if (!row) throw new ConflictException(`Promotional code "${request.code}" exists`);
      const response = promotionResponseOf(row);
      await recordAdminAction(tx, { action: 'promotional_code.create', resource: { type: 'promotional_code', id: row.code }, requestId, details: { ...response } });
      return response;
    });
  }

  /** The discount itself never changes: tenants redeemed it as it was. */
  update(code: string, request: UpdatePromotionRequest, requestId: string): Promise<PromotionResponse> {
    return this.database.db.transaction(async (tx) => {
      const current = await this.promotions.find(tx, code, true);
      if (!current) throw new NotFoundException('No such promotional code');
      const changes: PromotionChanges = {
        description: request.description,
        validFrom: optionalDate(request.validFrom),
        validUntil: optionalDate(request.validUntil),
        maxRedemptions: request.maxRedemptions,
        active: request.active,
      };
      const validFrom = changes.validFrom === undefined ? current.validFrom : changes.validFrom;
      const validUntil = changes.validUntil === undefined ? current.validUntil : changes.validUntil;
      if (validFrom && validUntil && validUntil < validFrom) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid body: validUntil',
          issues: [{ path: 'validUntil', message: 'validUntil must not be before validFrom' }],
        });
      }
      const before = promotionResponseOf(current);
      const row = await this.promotions.update(tx, code, changes);
      await recordAdminAction(tx, {
        action: 'promotional_code.update',
        resource: { type: 'promotional_code', id: code },
        requestId,
        details: { changes: changeDetails(before, request) },
      });
      return promotionResponseOf(row);
    });
  }
}
