import { Module } from '@nestjs/common';
import { QuotaChangedHandler } from './quota-changed.handler';
import { QuotaRepository } from './quota.repository';

/** Keeps each tenant's monthly record quota in step with billing. */
@Module({ controllers: [QuotaChangedHandler], providers: [QuotaRepository] })
export class QuotaModule {}
