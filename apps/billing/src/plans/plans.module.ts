import { Module } from '@nestjs/common';
import { PlansController } from './plans.controller';
import { PlansRepository } from './plans.repository';
import { PlansService } from './plans.service';

/** The plan catalogue (`/admin/plans`): the free tier and the paid plans, with their Stripe prices. */
@Module({ controllers: [PlansController], providers: [PlansRepository, PlansService], exports: [PlansRepository] })
export class PlansModule {}
