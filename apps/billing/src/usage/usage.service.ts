import { Inject, Injectable } from '@nestjs/common';
import type { UsageResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { RECORDS_METRIC } from '../metering/usage.repository';
import { SubscriptionService } from '../subscription/subscription.service';
import { periodOf, usageFiguresOf } from './usage-report';
import { UsageReportRepository } from './usage-report.repository';

/** A tenant's metered usage in one month, against the records its current plan includes. */
@Injectable()
export class UsageService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly usage: UsageReportRepository,
    private readonly subscriptions: SubscriptionService,
  ) {}

  report(tenantId: string, period = periodOf(new Date())): Promise<UsageResponse> {
    return withTenant(this.database.db, tenantId, async (tx) => {
      const used = await this.usage.quantity(tx, tenantId, RECORDS_METRIC, period);
      const { plan } = await this.subscriptions.planOf(tx, tenantId);
      return { tenantId, period, metric: RECORDS_METRIC, used, included: plan.includedRecords, ...usageFiguresOf(used, plan.includedRecords) };
    });
  }
}
