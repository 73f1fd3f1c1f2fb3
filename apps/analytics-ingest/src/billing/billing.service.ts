import { Injectable } from '@nestjs/common';
import type { IncomingEvent } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { byTenant } from '../rollups/keyed-tally';
import { RollupWindow } from '../rollups/rollup-window';
import { TenantStatusRepository } from '../rollups/tenant-status.repository';
import { InvoiceEvent, subscriptionChangeRow, tallyInvoices } from './billing-tally';
import { BillingRepository } from './billing.repository';

/** Billing rollups from billing-events, per tenant in its own context, in the transaction of the batch's inbox entries. */
@Injectable()
export class BillingService {
  constructor(
    private readonly repository: BillingRepository,
    private readonly window: RollupWindow,
    private readonly tenants: TenantStatusRepository,
  ) {}

  async addInvoices(tx: AnalyticsTransaction, events: InvoiceEvent[]): Promise<void> {
    for (const [tenantId, group] of byTenant(events, (event) => event.payload.tenantId)) {
      if (!(await this.enter(tx, tenantId))) continue;
      const tally = tallyInvoices(group);
      await this.repository.addInvoices(tx, tenantId, { hourly: this.window.keptHours(tally.hourly), daily: tally.daily });
    }
  }

  async addSubscriptionChanges(tx: AnalyticsTransaction, events: IncomingEvent<'billing.subscription.changed.v1'>[]): Promise<void> {
    for (const [tenantId, group] of byTenant(events, (event) => event.payload.tenantId)) {
      if (!(await this.enter(tx, tenantId))) continue;
      await this.repository.addSubscriptionChanges(tx, tenantId, group.map((event) => subscriptionChangeRow(event.payload, event.messageId)));
    }
  }

  /** Switches to the tenant; false for an erased one, whose late events count nothing. */
  private async enter(tx: AnalyticsTransaction, tenantId: string): Promise<boolean> {
    await enterTenant(tx, tenantId);
    return !(await this.tenants.isErased(tx, tenantId));
  }
}
