import { SUBSCRIPTION_STATUSES } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * drizzle schema of the `billing` database. `drizzle-kit generate` turns changes here into SQL under
 * migrations/billing/; row-level security and the cross-tenant lookups live in hand-written
 * migrations beside them.
 *
 * Tenant-owned tables carry `tenant_id` and are isolated by row-level security, fail closed.
 * Platform-wide tables (plans, promotional codes, the inbound Stripe events) have no tenant.
 * Stripe objects keep Stripe's id as their key, and `stripe_updated_at` (the `created` time of the
 * newest Stripe event applied to them), so an older event arriving late never moves them backwards.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });
const stripeUpdatedAt = () => at('stripe_updated_at');
const money = (name: string) => bigint(name, { mode: 'number' });

export const PLAN_INTERVALS = ['month', 'year'] as const;

/** The catalogue: the free tier and the paid plans. `included_records` null means unlimited. */
export const plans = pgTable('plans', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  isFree: boolean('is_free').notNull().default(false),
  stripePriceId: text('stripe_price_id').unique(),
  priceMinor: money('price_minor').notNull().default(0),
  currency: text('currency').notNull().default('usd'),
  interval: text('interval', { enum: PLAN_INTERVALS }).notNull().default('month'),
  includedRecords: integer('included_records'),
  /** Price per 1,000 records over the included ones; null: no overage, the quota is hard. */
  overagePriceMinorPer1000: money('overage_price_minor_per_1000'),
  /** Feature limits, e.g. { "retentionDaysMax": 365, "apiKeysMax": 5 }. */
  features: jsonb('features').$type<Record<string, unknown>>().notNull().default({}),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const TENANT_BILLING_STATUSES = ['active', 'past_due', 'restricted', 'canceled'] as const;

/**
 * What billing decides for a tenant: its plan, where that came from, the quota it last sent to
 * core-store, and the dunning state. One row per tenant, created on the first sign of the tenant.
 */
export const tenantAccounts = pgTable('tenant_accounts', {
  tenantId: text('tenant_id').primaryKey(),
  planCode: text('plan_code')
    .notNull()
    .references(() => plans.code),
  /** `default` (the free tier), `subscription` (from Stripe), `override` (an operator's decision). */
  planSource: text('plan_source', { enum: ['default', 'subscription', 'override'] }).notNull().default('default'),
  status: text('status', { enum: TENANT_BILLING_STATUSES }).notNull().default('active'),
  /** Set while past due: when the grace period ends and the quota drops. */
  graceEndsAt: at('grace_ends_at'),
  /** The monthly record quota last published as billing.quota.changed.v1; null: never published. */
  publishedQuota: integer('published_quota'),
  quotaPublishedAt: at('quota_published_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A tenant's Stripe customer. Personal fields are removed when the tenant is erased. */
export const customers = pgTable(
  'customers',
  {
    stripeCustomerId: text('stripe_customer_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    email: text('email'),
    name: text('name'),
    deletedAt: at('deleted_at'),
    stripeUpdatedAt: stripeUpdatedAt(),
    createdAt: createdAt(),
  },
  (table) => [index('customers_tenant_idx').on(table.tenantId)],
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    stripeSubscriptionId: text('stripe_subscription_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    planCode: text('plan_code').references(() => plans.code),
    stripePriceId: text('stripe_price_id'),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull(),
    currentPeriodStart: at('current_period_start'),
    currentPeriodEnd: at('current_period_end'),
    trialEnd: at('trial_end'),
    cancelAt: at('cancel_at'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: at('canceled_at'),
    /** Once Stripe says deleted, nothing older can revive the subscription. */
    deletedAt: at('deleted_at'),
    stripeUpdatedAt: stripeUpdatedAt(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('subscriptions_tenant_idx').on(table.tenantId)],
);

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;

export const invoices = pgTable(
  'invoices',
  {
    stripeInvoiceId: text('stripe_invoice_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    stripeSubscriptionId: text('stripe_subscription_id'),
    number: text('number'),
    status: text('status', { enum: INVOICE_STATUSES }).notNull(),
    currency: text('currency').notNull(),
    amountDue: money('amount_due').notNull().default(0),
    amountPaid: money('amount_paid').notNull().default(0),
    /** Service credits (SLA breaches) and promotions taken off this invoice, in minor units. */
    creditsApplied: money('credits_applied').notNull().default(0),
    periodStart: at('period_start'),
    periodEnd: at('period_end'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextPaymentAttemptAt: at('next_payment_attempt_at'),
    paidAt: at('paid_at'),
    /** Personal data Stripe prints on the invoice; removed on erasure, the invoice itself is kept. */
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    stripeUpdatedAt: stripeUpdatedAt(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('invoices_tenant_created_idx').on(table.tenantId, table.createdAt)],
);

export const PAYMENT_STATUSES = ['succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed'] as const;

/** Payment intents and the charges behind them, keyed by the payment intent (or the charge when alone). */
export const payments = pgTable(
  'payments',
  {
    stripePaymentId: text('stripe_payment_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    stripeInvoiceId: text('stripe_invoice_id'),
    stripeChargeId: text('stripe_charge_id'),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    amount: money('amount').notNull(),
    amountRefunded: money('amount_refunded').notNull().default(0),
    currency: text('currency').notNull(),
    failureCode: text('failure_code'),
    disputedAt: at('disputed_at'),
    stripeUpdatedAt: stripeUpdatedAt(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('payments_tenant_created_idx').on(table.tenantId, table.createdAt), uniqueIndex('payments_charge_idx').on(table.stripeChargeId)],
);

/** Cards as Stripe describes them: brand, last four digits and expiry, never a card number. */
export const paymentMethods = pgTable(
  'payment_methods',
  {
    stripePaymentMethodId: text('stripe_payment_method_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    stripeCustomerId: text('stripe_customer_id'),
    type: text('type').notNull(),
    brand: text('brand'),
    last4: text('last4'),
    expMonth: integer('exp_month'),
    expYear: integer('exp_year'),
    detachedAt: at('detached_at'),
    stripeUpdatedAt: stripeUpdatedAt(),
    createdAt: createdAt(),
  },
  (table) => [index('payment_methods_tenant_idx').on(table.tenantId), check('payment_methods_last4_digits', sql`${table.last4} ~ '^[0-9]{4}$'`)],
);

/**
 * Metered usage per tenant, metric and UTC period (`YYYY-MM`). Only ever increased by additive
 * upserts in the transaction of the inbox entry of the events counted, so redelivery never counts twice.
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    tenantId: text('tenant_id').notNull(),
    metric: text('metric').notNull(),
    period: text('period').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.metric, table.period] }), check('usage_records_period_format', sql`${table.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`)],
);

/** Usage thresholds (80 %, 100 % of the included records) already announced for a period, so each is announced once. */
export const usageNotices = pgTable(
  'usage_notices',
  {
    tenantId: text('tenant_id').notNull(),
    period: text('period').notNull(),
    thresholdPercent: integer('threshold_percent').notNull(),
    usedAtNotice: bigint('used_at_notice', { mode: 'number' }).notNull(),
    includedAtNotice: integer('included_at_notice').notNull(),
    noticedAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.period, table.thresholdPercent] })],
);

export const METER_REPORT_STATUSES = ['pending', 'sent', 'failed'] as const;

/**
 * Usage to report to Stripe's Billing Meters API. `identifier` (tenant, period, slice) is the meter
 * event's idempotency identifier, so a report retried after a crash is counted once by Stripe.
 */
export const meterReports = pgTable(
  'meter_reports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    period: text('period').notNull(),
    slice: integer('slice').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    identifier: text('identifier').notNull().unique(),
    status: text('status', { enum: METER_REPORT_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    availableAt: at('available_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
    createdAt: createdAt(),
  },
  (table) => [index('meter_reports_pending_idx').on(table.availableAt).where(sql`${table.status} = 'pending'`)],
);

export const DUNNING_STEPS = ['reminder', 'restricted', 'recovered'] as const;

/** The dunning schedule of a failed invoice: reminders, the end of grace, and recovery. */
export const dunningSteps = pgTable(
  'dunning_steps',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    stripeInvoiceId: text('stripe_invoice_id').notNull(),
    step: text('step', { enum: DUNNING_STEPS }).notNull(),
    sequence: integer('sequence').notNull(),
    dueAt: at('due_at').notNull(),
    doneAt: at('done_at'),
    cancelledAt: at('cancelled_at'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('dunning_steps_invoice_step_idx').on(table.stripeInvoiceId, table.step, table.sequence),
    index('dunning_steps_due_idx').on(table.dueAt).where(sql`${table.doneAt} is null and ${table.cancelledAt} is null`),
  ],
);

/** Promotional codes: percent or amount off, a validity window, a cap on redemptions, once per tenant. */
export const promotionalCodes = pgTable(
  'promotional_codes',
  {
    code: text('code').primaryKey(),
    description: text('description'),
    percentOff: integer('percent_off'),
    amountOffMinor: money('amount_off_minor'),
    currency: text('currency'),
    validFrom: at('valid_from'),
    validUntil: at('valid_until'),
    maxRedemptions: integer('max_redemptions'),
    /** Counted in the redeeming transaction under a row lock, so concurrent redemptions cannot exceed the cap. */
    redemptions: integer('redemptions').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    check('promotional_codes_one_discount', sql`(${table.percentOff} is null) <> (${table.amountOffMinor} is null)`),
    check('promotional_codes_percent_range', sql`${table.percentOff} is null or ${table.percentOff} between 1 and 100`),
    check('promotional_codes_amount_currency', sql`${table.amountOffMinor} is null or (${table.amountOffMinor} > 0 and ${table.currency} is not null)`),
  ],
);

export const promotionalCodeRedemptions = pgTable(
  'promotional_code_redemptions',
  {
    code: text('code')
      .notNull()
      .references(() => promotionalCodes.code),
    tenantId: text('tenant_id').notNull(),
    redeemedAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.code, table.tenantId] }), index('promotional_code_redemptions_tenant_idx').on(table.tenantId)],
);

export const ENGAGEMENT_STATUSES = ['proposed', 'scheduled', 'in_progress', 'completed', 'cancelled'] as const;

/** Professional services: white-glove onboarding engagements. */
export const engagements = pgTable(
  'engagements',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').notNull().default('white_glove_onboarding'),
    scope: text('scope').notNull(),
    priceMinor: money('price_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ENGAGEMENT_STATUSES }).notNull().default('proposed'),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    satisfactionScore: integer('satisfaction_score'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('engagements_tenant_idx').on(table.tenantId),
    check('engagements_satisfaction_range', sql`${table.satisfactionScore} is null or ${table.satisfactionScore} between 1 and 5`),
  ],
);

export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    topic: text('topic').notNull(),
    scheduledAt: at('scheduled_at').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    attendees: integer('attendees'),
    priceMinor: money('price_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ENGAGEMENT_STATUSES }).notNull().default('scheduled'),
    satisfactionScore: integer('satisfaction_score'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('training_sessions_tenant_idx').on(table.tenantId),
    check('training_sessions_satisfaction_range', sql`${table.satisfactionScore} is null or ${table.satisfactionScore} between 1 and 5`),
  ],
);

/** What the platform promises a tenant, e.g. availability at least 99.9 % per month. */
export const slaCommitments = pgTable(
  'sla_commitments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    metric: text('metric').notNull(),
    target: numeric('target', { precision: 12, scale: 4, mode: 'number' }).notNull(),
    comparison: text('comparison', { enum: ['at_least', 'at_most'] }).notNull(),
    /** Share of the period's invoice credited back on a breach, in percent. */
    creditPercent: integer('credit_percent').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [index('sla_commitments_tenant_idx').on(table.tenantId), check('sla_commitments_credit_range', sql`${table.creditPercent} between 0 and 100`)],
);

/** One measurement per commitment and period; a breach becomes a service credit on the next invoice. */
export const slaMeasurements = pgTable(
  'sla_measurements',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    commitmentId: uuid('commitment_id')
      .notNull()
      .references(() => slaCommitments.id),
    period: text('period').notNull(),
    measured: numeric('measured', { precision: 12, scale: 4, mode: 'number' }).notNull(),
    breached: boolean('breached').notNull(),
    creditMinor: money('credit_minor'),
    /** The invoice the credit was applied to; null while it waits for the next one. */
    creditInvoiceId: text('credit_invoice_id'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('sla_measurements_commitment_period_idx').on(table.commitmentId, table.period), index('sla_measurements_tenant_idx').on(table.tenantId)],
);

export const STRIPE_EVENT_STATUSES = ['pending', 'processed', 'failed'] as const;

/**
 * Every verified Stripe webhook event, stored before it is acknowledged and processed from here
 * (with retries), so a crash after the 2xx loses nothing and a redelivery is a no-op. The tenant is
 * not known on arrival, so this table is platform-wide.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's `created` for the event. */
    createdAt: at('created_at').notNull(),
    apiVersion: text('api_version'),
    livemode: boolean('livemode').notNull().default(false),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: STRIPE_EVENT_STATUSES }).notNull().default('pending'),
    tenantId: text('tenant_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: at('received_at').notNull().defaultNow(),
    availableAt: at('available_at').notNull().defaultNow(),
    processedAt: at('processed_at'),
  },
  (table) => [
    index('stripe_events_pending_idx').on(table.availableAt, table.createdAt).where(sql`${table.status} = 'pending'`),
    index('stripe_events_received_idx').on(table.receivedAt),
  ],
);

export const billingSchema = {
  plans,
  tenantAccounts,
  customers,
  subscriptions,
  invoices,
  payments,
  paymentMethods,
  usageRecords,
  usageNotices,
  meterReports,
  dunningSteps,
  promotionalCodes,
  promotionalCodeRedemptions,
  engagements,
  trainingSessions,
  slaCommitments,
  slaMeasurements,
  stripeEvents,
};
export type BillingSchema = typeof billingSchema;
