import { Inject, Injectable } from '@nestjs/common';
import { TENANT_STATUSES, type RepublishResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { CoreDatabase } from '../database/core-database';
import { TenantsRepository } from '../tenants/tenants.repository';
import { DirectoryPublisher } from './directory-publisher';

/** Resync of every replica: the current state of every tenant and key, one tenant transaction at a time. */
@Injectable()
export class DirectoryService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    private readonly tenants: TenantsRepository,
    private readonly publisher: DirectoryPublisher,
  ) {}

  async republish(requestId: string): Promise<RepublishResponse> {
    const total: RepublishResponse = { tenants: 0, apiKeys: 0 };
    for (const tenantId of await this.tenants.idsWithStatus(this.database.db, TENANT_STATUSES)) {
      const counted = await withTenant(this.database.db, tenantId, (tx) => this.publisher.republishTenant(tx, tenantId, requestId));
      total.tenants += counted.tenants;
      total.apiKeys += counted.apiKeys;
    }
    return total;
  }
}
