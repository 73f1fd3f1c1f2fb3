import { Module } from '@nestjs/common';
import { TenantLookup } from './tenant-lookup';
import { TenantLookupRepository } from './tenant-lookup.repository';

/** Finds the tenant an operator's route names, for the operator API's feature modules. */
@Module({ providers: [TenantLookupRepository, TenantLookup], exports: [TenantLookup] })
export class TenantLookupModule {}
