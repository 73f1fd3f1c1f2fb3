import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * drizzle schema of the `analytics` database. `drizzle-kit generate` turns tables added here into SQL
 * under migrations/analytics/; what drizzle cannot express (partitioning of the hourly tables,
 * row-level security, the maintenance functions, the BI views) lives in hand-written migrations
 * beside them.
 *
 * Every primary key leads with tenant_id, the distribution column should the tables be sharded by
 * tenant (README: "Distributing by tenant"). Hourly tables are range-partitioned by day on `bucket`
 * and kept ANALYTICS_HOURLY_RETENTION_DAYS; daily tables are not partitioned and are kept.
 */

const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);
const bucket = () => timestamp('bucket', { withTimezone: true }).notNull();
/** Counts per fixed histogram bucket (rollups/histogram-buckets.ts), added element-wise. */
const histogram = (name: string) => bigint(name, { mode: 'number' }).array().notNull();

function recordRollups(name: string) {
  return pgTable(
    name,
    {
      tenantId: text('tenant_id').notNull(),
      bucket: bucket(),
      stored: counter('stored'),
      deleted: counter('deleted'),
      confidence: histogram('confidence'),
      latency: histogram('latency'),
    },
    (table) => [primaryKey({ columns: [table.tenantId, table.bucket] })],
  );
}

/** Records stored and deleted per tenant and hour, with the confidence and latency histograms of the stored. */
export const recordRollupsHourly = recordRollups('record_rollups_hourly');
/** The same per tenant and UTC day. */
export const recordRollupsDaily = recordRollups('record_rollups_daily');

/** What record.stored.v1 is counted by besides its tenant and time. */
export const RECORD_DIMENSIONS = ['detector', 'model', 'label'] as const;
export type RecordDimension = (typeof RECORD_DIMENSIONS)[number];

function dimensionRollups(name: string) {
  return pgTable(
    name,
    {
      tenantId: text('tenant_id').notNull(),
      bucket: bucket(),
      dimension: text('dimension').$type<RecordDimension>().notNull(),
      key: text('key').notNull(),
      stored: counter('stored'),
    },
    (table) => [
      primaryKey({ columns: [table.tenantId, table.bucket, table.dimension, table.key] }),
      check(`${name}_dimension_check`, sql`${table.dimension} in ('detector', 'model', 'label')`),
    ],
  );
}

/** Records stored per tenant, hour, and detector name, model version or taxonomy label (ancestors included). */
export const dimensionRollupsHourly = dimensionRollups('record_dimension_rollups_hourly');
/** The same per tenant and UTC day. */
export const dimensionRollupsDaily = dimensionRollups('record_dimension_rollups_daily');

function invoiceRollups(name: string) {
  return pgTable(
    name,
    {
      tenantId: text('tenant_id').notNull(),
      bucket: bucket(),
      /** The Stripe subscription the invoice belongs to; '' for a one-off invoice. */
      subscriptionId: text('subscription_id').notNull(),
      currency: text('currency').notNull(),
      paid: counter('paid'),
      paidAmount: counter('paid_amount'),
      failed: counter('failed'),
      failedAmount: counter('failed_amount'),
    },
    (table) => [primaryKey({ columns: [table.tenantId, table.bucket, table.subscriptionId, table.currency] })],
  );
}

/** Invoices paid and payments failed per tenant, hour (of the event's occurredAt), subscription and currency. */
export const invoiceRollupsHourly = invoiceRollups('invoice_rollups_hourly');
/** The same per tenant and UTC day. */
export const invoiceRollupsDaily = invoiceRollups('invoice_rollups_daily');

/**
 * Every billing.subscription.changed.v1, kept: a subscription's state at any instant is its latest
 * change up to then, whatever order the changes arrived in. MRR and the plan of a paid invoice are
 * read from here.
 */
export const subscriptionChanges = pgTable(
  'subscription_changes',
  {
    tenantId: text('tenant_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** Orders changes of one instant (Stripe's event times have whole seconds). */
    messageId: text('message_id').notNull(),
    plan: text('plan').notNull(),
    status: text('status').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    interval: text('interval').$type<'month' | 'year'>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.subscriptionId, table.occurredAt, table.messageId] }),
    check('subscription_changes_interval_check', sql`${table.interval} in ('month', 'year')`),
  ],
);

/** Tenant id of whole-database backups (no tenant may be called this: tenant ids start with a letter or digit). */
export const PLATFORM_TENANT = '_platform';

/** Backups completed and failed per tenant (or PLATFORM_TENANT), UTC day and database, with the latest of each. */
export const backupRollupsDaily = pgTable(
  'backup_rollups_daily',
  {
    tenantId: text('tenant_id').notNull(),
    bucket: bucket(),
    database: text('database').notNull(),
    completed: counter('completed'),
    failed: counter('failed'),
    lastCompletedAt: timestamp('last_completed_at', { withTimezone: true }),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.bucket, table.database] })],
);

export const analyticsSchema = {
  recordRollupsHourly,
  recordRollupsDaily,
  dimensionRollupsHourly,
  dimensionRollupsDaily,
  invoiceRollupsHourly,
  invoiceRollupsDaily,
  subscriptionChanges,
  backupRollupsDaily,
};
export type AnalyticsSchema = typeof analyticsSchema;
