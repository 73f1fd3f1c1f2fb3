import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { promotionCodeRequest, type PromotionRedemption, type PromotionValidation } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { PromotionsService } from './promotions.service';
import { validated } from '@comply/service-runtime';

@Controller('v1/billing/promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionsService) {}

  /** A question, not a change: 200 whether or not the code is valid. */
  @Post('validate')
  @RequireScope('read')
  @HttpCode(200)
  validate(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<PromotionValidation> {
    return this.promotions.validate(caller, validated(promotionCodeRequest, body, 'body').code);
  }

  @Post('redeem')
  @RequireScope('admin')
  @HttpCode(201)
  redeem(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<PromotionRedemption> {
    return this.promotions.redeem(caller, validated(promotionCodeRequest, body, 'body').code);
  }
}
