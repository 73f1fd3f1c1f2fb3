import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { BILLING_CLOCK, BillingClock } from '../accounts/billing-clock';
import { BillingConfig } from '../billing-settings';
import { BillingTransaction } from '../database/billing-database';
import { MeterReportsRepository } from './meter-reports.repository';

/** Usage a metering batch added to one period of a tenant. */
export interface MeteredSlice {
  period: string;
  /** Records the batch added. */
  added: number;
  /** The period's total after the batch. */
  total: number;
}

/**
 * Queues usage for Stripe in the metering transaction, so each counted record is reported once:
 * one pending meter report per tenant, period and slice, where a slice is what one batch added and
 * is numbered by the period's running total at its end (unique, since totals only grow, and the same
 * whenever the batch is retried). Only with STRIPE_API_KEY set, and only for tenants with a Stripe customer.
 */
@Injectable()
export class MeterReportsService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
    @Inject(BILLING_CLOCK) private readonly clock: BillingClock,
    private readonly reports: MeterReportsRepository,
  ) {}

  async queue(tx: BillingTransaction, tenantId: string, slices: readonly MeteredSlice[]): Promise<void> {
    if (!this.config.STRIPE_API_KEY || slices.length === 0) return;
    if (!(await this.reports.hasStripeCustomer(tx, tenantId))) return;
    await this.reports.add(
      tx,
      tenantId,
      slices.map((slice) => ({ period: slice.period, slice: slice.total, quantity: slice.added })),
      this.clock.now(),
    );
  }
}
