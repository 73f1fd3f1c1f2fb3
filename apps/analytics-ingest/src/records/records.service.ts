import { Injectable } from '@nestjs/common';
import type { IncomingEvent } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { byTenant } from '../rollups/keyed-tally';
import { RollupWindow } from '../rollups/rollup-window';
import { TenantStatusRepository } from '../rollups/tenant-status.repository';
import { RecordTally, tallyDeleted, tallyStored } from './record-tally';
import { RecordsRepository } from './records.repository';

/**
 * Counts record events into the record rollups, per tenant in its own context (row-level security),
 * in the transaction of the batch's inbox entries, so a redelivered event never counts twice.
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly repository: RecordsRepository,
    private readonly window: RollupWindow,
    private readonly tenants: TenantStatusRepository,
  ) {}

  addStored(tx: AnalyticsTransaction, events: IncomingEvent<'record.stored.v1'>[]): Promise<void> {
    return this.add(tx, events, tallyStored);
  }

  addDeleted(tx: AnalyticsTransaction, events: IncomingEvent<'record.deleted.v1'>[]): Promise<void> {
    return this.add(tx, events, tallyDeleted);
  }

  private async add<T extends 'record.stored.v1' | 'record.deleted.v1'>(
    tx: AnalyticsTransaction,
    events: IncomingEvent<T>[],
    tally: (payloads: IncomingEvent<T>['payload'][]) => RecordTally,
  ): Promise<void> {
    for (const [tenantId, group] of byTenant(events, (event) => event.payload.tenantId)) {
      await enterTenant(tx, tenantId);
      if (await this.tenants.isErased(tx, tenantId)) continue;
      const counted = tally(group.map((event) => event.payload));
      await this.repository.add(tx, tenantId, {
        records: { hourly: this.window.keptHours(counted.records.hourly), daily: counted.records.daily },
        dimensions: { hourly: this.window.keptHours(counted.dimensions.hourly), daily: counted.dimensions.daily },
      });
    }
  }
}
