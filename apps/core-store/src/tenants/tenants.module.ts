import { Global, Module } from '@nestjs/common';
import { TenantsRepository } from './tenants.repository';

/** Tenant reads every feature module may need (ingest, jobs, backups). */
@Global()
@Module({ providers: [TenantsRepository], exports: [TenantsRepository] })
export class TenantsModule {}
