import { Inject, Injectable } from '@nestjs/common';
import { addAllToOutbox } from '@comply/messaging';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import type { DunningFacts } from '../accounts/account-decision';
import type { ReconciliationCause } from '../accounts/account-reconciler';
import { BillingConfig } from '../billing-settings';
import { BillingTransaction } from '../database/billing-database';
import { DunningCalendar } from './dunning-calendar';
import { dunningStepEvent } from './dunning-step-event';
import { DunningRepository } from './dunning.repository';

/**
 * The dunning schedule of a tenant's failed invoices, kept in line with the invoices by the
 * account reconciler: an invoice whose payment failed gets its reminders and end of grace (once);
 * one that is no longer failing loses its pending steps, and if it was paid, its recovery is
 * announced (`billing.dunning.step.v1`, step `recovered`, once per invoice).
 */
@Injectable()
export class DunningSchedule {
  private readonly calendar: DunningCalendar;

  constructor(
    @Inject(SERVICE_CONFIG) config: BillingConfig,
    private readonly steps: DunningRepository,
  ) {
    this.calendar = new DunningCalendar(config.DUNNING_REMINDER_DAYS, config.DUNNING_GRACE_DAYS);
  }

  /** Brings the tenant's schedule in line with its invoices, in the reconciler's transaction, and says where the tenant stands. */
  async follow(tx: BillingTransaction, tenantId: string, now: Date, cause: ReconciliationCause): Promise<DunningFacts> {
    const failing = await this.steps.failingInvoices(tx, tenantId);
    const failingIds = failing.map((invoice) => invoice.stripeInvoiceId);
    if (failing.length > 0) {
      // Counted from Stripe's report of the failure, so a late webhook does not extend the grace period.
      await this.steps.schedule(
        tx,
        tenantId,
        failing.flatMap((invoice) => this.calendar.stepsFor(invoice.stripeInvoiceId, invoice.failedAt ?? now)),
      );
    }
    await this.steps.cancelPendingExcept(tx, tenantId, failingIds, now);
    const recovered = await this.steps.recordRecoveries(tx, tenantId, now);
    await addAllToOutbox(
      tx,
      recovered.map((invoice) => dunningStepEvent({ tenantId, invoice, step: 'recovered', sequence: 1, occurredAt: now }, cause)),
    );
    if (failing.length === 0) return { pastDue: false, restricted: false, graceEndsAt: null };
    return { pastDue: true, ...(await this.steps.position(tx, tenantId, failingIds)) };
  }
}
