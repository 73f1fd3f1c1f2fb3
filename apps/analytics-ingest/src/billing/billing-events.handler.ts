import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { IncomingEvent, ServiceBusContext } from '@comply/messaging';
import type { AnalyticsTransaction } from '../database/analytics-database';
import { BillingService } from './billing.service';

/** billing-events in batches, counted in the transaction of their inbox entries. */
@Controller()
export class BillingEventsHandler {
  constructor(private readonly billing: BillingService) {}

  @EventPattern('billing.subscription.changed.v1', { batchSize: 200 })
  async subscriptionChanged(
    @Payload() events: IncomingEvent<'billing.subscription.changed.v1'>[],
    @Ctx() context: ServiceBusContext<AnalyticsTransaction>,
  ): Promise<void> {
    await this.billing.addSubscriptionChanges(context.tx, events);
  }

  @EventPattern('billing.invoice.paid.v1', { batchSize: 200 })
  async invoicePaid(@Payload() events: IncomingEvent<'billing.invoice.paid.v1'>[], @Ctx() context: ServiceBusContext<AnalyticsTransaction>): Promise<void> {
    await this.billing.addInvoices(context.tx, events.map((event) => ({ type: 'paid', payload: event.payload })));
  }

  @EventPattern('billing.invoice.payment_failed.v1', { batchSize: 200 })
  async paymentFailed(
    @Payload() events: IncomingEvent<'billing.invoice.payment_failed.v1'>[],
    @Ctx() context: ServiceBusContext<AnalyticsTransaction>,
  ): Promise<void> {
    await this.billing.addInvoices(context.tx, events.map((event) => ({ type: 'failed', payload: event.payload })));
  }

  /**
   * Quota changes, usage thresholds and dunning steps are delivered to this subscription but no
   * report reads them yet: taken without effect (and without an inbox entry) rather than left to
   * dead-letter as NoHandler.
   */
  @EventPattern('billing.quota.changed.v1', { batchSize: 200, inbox: false })
  quotaChanged(): void {
    // Nothing kept.
  }

  @EventPattern('billing.usage.threshold.v1', { batchSize: 200, inbox: false })
  usageThreshold(): void {
    // Nothing kept.
  }

  @EventPattern('billing.dunning.step.v1', { batchSize: 200, inbox: false })
  dunningStep(): void {
    // Nothing kept.
  }
}
