import { DynamicModule, Module, Type } from '@nestjs/common';
import { ApiKeyAuthModule } from './api-key-auth.module';
import { DirectoryEventsHandler } from './directory-events.handler';
import { DirectoryReplicaRepository, ReplicaApiKeyDirectory } from './directory-replica.repository';
import { TENANT_ARRIVAL, TenantArrival } from './tenant-arrival';
import { TENANT_ERASURE, TenantErasure } from './tenant-erasure';

export interface TenantDirectoryOptions {
  /** The service's own part of erasing a tenant; its dependencies must be global providers (the platform's are). */
  erasure?: Type<TenantErasure>;
  /** The service's own start for a tenant new to the replica; its dependencies must be global providers too. */
  arrival?: Type<TenantArrival>;
}

/**
 * A service's replica of the tenant directory (every service but core-store, which owns it): the
 * tenant-events handler and API key authentication against the replica, with `GET /v1/whoami`.
 */
@Module({})
export class TenantDirectoryModule {
  static forReplica(options: TenantDirectoryOptions = {}): DynamicModule {
    return {
      module: TenantDirectoryModule,
      imports: [ApiKeyAuthModule.forDirectory(ReplicaApiKeyDirectory)],
      controllers: [DirectoryEventsHandler],
      providers: [
        DirectoryReplicaRepository,
        ...(options.erasure ? [{ provide: TENANT_ERASURE, useClass: options.erasure }] : []),
        ...(options.arrival ? [{ provide: TENANT_ARRIVAL, useClass: options.arrival }] : []),
      ],
    };
  }
}
