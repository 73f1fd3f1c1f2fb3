import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { createPromotionRequest, type PromotionList, type PromotionResponse, updatePromotionRequest } from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { PromotionsAdminService } from './promotions-admin.service';
import { promotionCodeOf } from './promotion-code';
import { validated } from '@comply/service-runtime';

/** Promotional codes, for platform operators. */
@Controller('admin/promotions')
@UseGuards(AdminTokenGuard)
export class PromotionsAdminController {
  constructor(private readonly promotions: PromotionsAdminService) {}

  @Get()
  list(): Promise<PromotionList> {
    return this.promotions.list();
  }

  @Post()
  create(@Body() body: unknown, @RequestId() requestId: string): Promise<PromotionResponse> {
    return this.promotions.create(validated(createPromotionRequest, body, 'body'), requestId);
  }

  @Patch(':code')
  update(@Param('code') code: string, @Body() body: unknown, @RequestId() requestId: string): Promise<PromotionResponse> {
    return this.promotions.update(promotionCodeOf(code), validated(updatePromotionRequest, body, 'body'), requestId);
  }
}
