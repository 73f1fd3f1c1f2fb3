import { Module } from '@nestjs/common';
import { PromotionsAdminController } from './promotions-admin.controller';
import { PromotionsAdminService } from './promotions-admin.service';
import { PromotionsController } from './promotions.controller';
import { PromotionsRepository } from './promotions.repository';
import { PromotionsService } from './promotions.service';

/** Promotional codes: operators create and change them, tenants check and redeem them (once each, within the cap). */
@Module({
  controllers: [PromotionsController, PromotionsAdminController],
  providers: [PromotionsRepository, PromotionsService, PromotionsAdminService],
})
export class PromotionsModule {}
