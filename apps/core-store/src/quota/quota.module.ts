import { Module } from '@nestjs/common';
import { QuotaChangedHandler } from './quota-changed.handler';

/** Keeps each tenant's monthly record quota in step with billing. */
@Module({ controllers: [QuotaChangedHandler] })
export class QuotaModule {}
