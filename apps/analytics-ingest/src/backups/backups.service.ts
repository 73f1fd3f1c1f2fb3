import { Injectable } from '@nestjs/common';
import { enterTenant } from '@comply/persistence';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { PLATFORM_TENANT } from '../database/schema';
import { byTenant } from '../rollups/keyed-tally';
import { TenantStatusRepository } from '../rollups/tenant-status.repository';
import { BackupEvent, tallyBackups } from './backup-tally';
import { BackupsRepository } from './backups.repository';

/** Counts backup events per day and database: a tenant's backups under that tenant (none once it is erased), whole-database backups under PLATFORM_TENANT. */
@Injectable()
export class BackupsService {
  constructor(
    private readonly repository: BackupsRepository,
    private readonly tenants: TenantStatusRepository,
  ) {}

  async add(tx: AnalyticsTransaction, events: BackupEvent[]): Promise<void> {
    for (const [tenantId, group] of byTenant(events, (event) => event.payload.tenantId ?? PLATFORM_TENANT)) {
      await enterTenant(tx, tenantId);
      if (tenantId !== PLATFORM_TENANT && (await this.tenants.isErased(tx, tenantId))) continue;
      await this.repository.add(tx, tenantId, tallyBackups(group));
    }
  }
}
