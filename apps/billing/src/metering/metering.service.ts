import { Inject, Injectable } from '@nestjs/common';
import { addAllToOutbox, IncomingEvent, OutgoingEvent } from '@comply/messaging';
import { enterTenant } from '@comply/persistence';
import { ReconciliationCause } from '../accounts/account-reconciler';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { MeteredPlans } from '../accounts/metered-plans.service';
import { BillingTransaction } from '../database/billing-database';
import { MeterReportsService } from '../meter-reports/meter-reports.service';
import { tallyByTenant, TenantTally } from './usage-tally';
import { thresholdsReached } from './usage-thresholds';
import { PeriodUsage, UsageRepository } from './usage.repository';

/**
 * Counts stored records into usage_records per tenant and UTC month, in the transaction of the
 * batch's inbox entries (so a redelivered message never counts twice), switching the tenant
 * context per tenant as row-level security requires: per tenant one additive upsert over all its
 * periods. Then, in the same transaction: the tenant's meter reports for Stripe, and
 * `billing.usage.threshold.v1` for every threshold (80 %, 100 % of the plan's included records)
 * the usage reached for the first time in a period.
 */
@Injectable()
export class MeteringService {
  constructor(
    private readonly plans: MeteredPlans,
    private readonly usage: UsageRepository,
    private readonly meterReports: MeterReportsService,
    @Inject(BILLING_CLOCK) private readonly clock: BillingClock,
  ) {}

  async meter(tx: BillingTransaction, events: IncomingEvent<'record.stored.v1'>[]): Promise<void> {
    const outgoing: OutgoingEvent[] = [];
    for (const tally of tallyByTenant(events)) outgoing.push(...(await this.meterTenant(tx, tally)));
    await addAllToOutbox(tx, outgoing);
  }

  /** The tenant's part of the batch; returns the threshold events to publish. A tenant held as erased counts nothing. */
  private async meterTenant(tx: BillingTransaction, tally: TenantTally): Promise<OutgoingEvent[]> {
    const { tenantId, lastEvent } = tally;
    await enterTenant(tx, tenantId);
    const cause: ReconciliationCause = { correlationId: lastEvent.correlationId, causationId: lastEvent.messageId };
    const plan = await this.plans.planOf(tx, tenantId, cause);
    if (!plan) return [];
    const usage = await this.usage.add(tx, tenantId, tally.byPeriod);
    await this.meterReports.queue(tx, tenantId, usage);
    const included = plan.includedRecords;
    if (included === null) return [];
    const reached = usage.flatMap(({ period, total }: PeriodUsage) =>
      thresholdsReached(total, included).map((thresholdPercent) => ({ period, thresholdPercent, used: total })),
    );
    if (reached.length === 0) return [];
    const noticed = await this.usage.recordNotices(tx, tenantId, included, reached);
    const occurredAt = this.clock.now().toISOString();
    return noticed.map((notice): OutgoingEvent<'billing.usage.threshold.v1'> => ({
      type: 'billing.usage.threshold.v1',
      payload: { tenantId, plan: plan.planCode, period: notice.period, thresholdPercent: notice.thresholdPercent, used: notice.used, included, occurredAt },
      tenantId,
      correlationId: lastEvent.correlationId,
      causationId: lastEvent.messageId,
      traceparent: lastEvent.traceparent,
    }));
  }
}
