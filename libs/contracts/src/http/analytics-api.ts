import { z } from 'zod';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/compliance-catalog';
import { BACKUP_DATABASES } from '../events/backup-events';
import { tenantId, timestamp } from '../events/shared-fields';
import { queryNumber } from './query-number';

/**
 * Query strings and responses of analytics-ingest's read API (`/v1/analytics/*`). Every answer is
 * read from rollups; the built-in dashboard and BI tools read the same numbers.
 */

/** The longest period one request may cover. */
export const ANALYTICS_MAX_RANGE_DAYS = 400;
/** The longest period an hourly series may cover (hourly rollups are kept for a limited time). */
export const ANALYTICS_MAX_HOURLY_RANGE_DAYS = 35;

export const ANALYTICS_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];

const calendarDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'Not a calendar date');

/** An instant with its offset, or a calendar date (midnight UTC). */
const instant = z.union([timestamp, calendarDate]);

const DAY_MS = 86_400_000;

const periodFields = {
  tenant: tenantId
    .optional()
    .describe('With the admin token: the tenant to report on; without it, the whole fleet. A tenant API key always reports on its own tenant; naming another answers 404.'),
  from: instant.optional().describe('Start of the period, inclusive: ISO 8601 with offset ("+" encoded as %2B) or a date (midnight UTC). Default: 30 days before `to`.'),
  to: instant.optional().describe('End of the period, exclusive: ISO 8601 with offset or a date. Default: now. After `from`, at most 400 days after it.'),
  granularity: z.enum(ANALYTICS_GRANULARITIES).default('day').describe('Series buckets: "hour" (periods up to 35 days), "day" or "month" (calendar months rolled up from days), all UTC.'),
};

/** `to` after `from`, within the bounds of the granularity (defaults are applied by the service). */
function checkPeriod(query: { from?: string; to?: string; granularity: AnalyticsGranularity }, context: z.RefinementCtx): void {
  const to = query.to === undefined ? Date.now() : instantMs(query.to);
  const from = query.from === undefined ? to - 30 * DAY_MS : instantMs(query.from);
  if (from >= to) context.addIssue({ code: 'custom', path: ['to'], message: 'Must be after `from`' });
  const maxDays = query.granularity === 'hour' ? ANALYTICS_MAX_HOURLY_RANGE_DAYS : ANALYTICS_MAX_RANGE_DAYS;
  if (to - from > maxDays * DAY_MS) context.addIssue({ code: 'custom', path: ['from'], message: `The period may cover at most ${maxDays} days with granularity "${query.granularity}"` });
}

/** Milliseconds of a validated `from` or `to`. */
export function instantMs(value: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

export const analyticsQuery = z.strictObject(periodFields).superRefine(checkPeriod).describe('The tenant, period and series granularity of a report.');
export type AnalyticsQuery = z.infer<typeof analyticsQuery>;

export const analyticsTaxonomyQuery = z
  .strictObject({ ...periodFields, limit: queryNumber(z.int().min(1).max(500)).default(20).describe('How many labels, most stored first: 1 to 500.') })
  .superRefine(checkPeriod)
  .describe('A report period and how many labels to list.');
export type AnalyticsTaxonomyQuery = z.infer<typeof analyticsTaxonomyQuery>;

const count = z.int().min(0).describe('A count.');
const amount = z.int().min(0).describe('Minor units of `currency` (cents for "usd").');
const bucket = z.string().describe('Start of the bucket, ISO 8601 UTC.');

/** What every report repeats: whom and which period it covers. */
const reportHeader = {
  tenant: tenantId.nullable().describe('The tenant reported on; null for the whole fleet.'),
  from: z.string().describe('Start of the period (inclusive), ISO 8601 UTC.'),
  to: z.string().describe('End of the period (exclusive), ISO 8601 UTC.'),
  granularity: z.enum(ANALYTICS_GRANULARITIES),
};

export const analyticsUsage = z
  .strictObject({
    ...reportHeader,
    series: z.array(z.strictObject({ bucket, stored: count, deleted: count })).describe('Records stored and deleted per bucket, every bucket of the period (zeros included).'),
    byDetector: z.array(z.strictObject({ detector: z.string().describe('Detector name.'), stored: count })).describe('Records stored in the period per detector, most first.'),
    byModelVersion: z.array(z.strictObject({ modelVersion: z.string(), stored: count })).describe('Records stored in the period per mapping model version, most first.'),
  })
  .describe('Ingest volume: records stored and deleted over time, by detector and model version.');
export type AnalyticsUsage = z.infer<typeof analyticsUsage>;

const percentiles = z
  .strictObject({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() })
  .describe('Percentiles read from fixed histogram buckets (upper edge of the bucket holding the rank; see the README for the error bound); null without observations.');

export const analyticsPerformance = z
  .strictObject({
    ...reportHeader,
    series: z
      .array(z.strictObject({ bucket, count: count.describe('Records stored in the bucket.'), confidence: percentiles, latencyMs: percentiles }))
      .describe('Every bucket of the period.'),
    overall: z.strictObject({ confidence: percentiles, latencyMs: percentiles }).describe('Over the whole period.'),
  })
  .describe('Model quality and speed: confidence and mapping latency percentiles of stored records.');
export type AnalyticsPerformance = z.infer<typeof analyticsPerformance>;
export type AnalyticsPercentiles = z.infer<typeof percentiles>;

export const analyticsTaxonomy = z
  .strictObject({
    ...reportHeader,
    labels: z
      .array(z.strictObject({ label: z.string(), depth: z.int().min(1).describe('Segments of the label: "PII" is 1.'), stored: count }))
      .describe('Labels with records stored in the period, most first; a label counts the records of its descendants too ("PII" includes "PII.Identifier.SSN").'),
  })
  .describe('Top taxonomy labels of the period.');
export type AnalyticsTaxonomy = z.infer<typeof analyticsTaxonomy>;

export const analyticsCompliance = z
  .strictObject({
    ...reportHeader,
    frameworks: z.array(
      z.strictObject({
        framework: z.enum(COMPLIANCE_FRAMEWORKS),
        title: z.string(),
        controls: z.array(
          z.strictObject({
            id: z.string(),
            title: z.string(),
            labels: z.array(z.string()).describe('The taxonomy labels core-store maps to the control.'),
            recordsWithLabels: count.describe('Records stored in the period under any of those labels (a record under two of them counts once per label).'),
          }),
        ),
        coveredControls: count.describe('Controls with at least one record in the period.'),
        totalControls: count.describe('Controls of the framework that labels map to.'),
      }),
    ),
  })
  .describe('Compliance coverage: the taxonomy labels seen in the period mapped to framework controls.');
export type AnalyticsCompliance = z.infer<typeof analyticsCompliance>;

export const analyticsBilling = z
  .strictObject({
    ...reportHeader,
    currency: z.string().describe('The currency of every amount: the one with the most revenue in the period (or of the subscriptions); other currencies are listed, not mixed in.'),
    otherCurrencies: z.array(z.string()).describe('Currencies that also occur, left out of the amounts.'),
    mrr: z.strictObject({ amount, currency: z.string() }).describe('Monthly recurring revenue at the end of the period: active, trialing and past-due subscriptions, yearly prices divided by 12.'),
    invoices: z.strictObject({ paid: count, failed: count.describe('Failed payment attempts.'), paidAmount: amount }).describe('Invoices of the period.'),
    revenueByPlan: z.array(z.strictObject({ plan: z.string().describe('The plan of the subscription when paid; "one-off" for invoices without one, "unknown" before its subscription was seen.'), amount })),
    series: z.array(z.strictObject({ bucket, paid: count, failed: count, revenue: amount })).describe('Every bucket of the period.'),
  })
  .describe('Revenue: MRR, invoices paid and failed, revenue per plan.');
export type AnalyticsBilling = z.infer<typeof analyticsBilling>;

export const analyticsBackups = z
  .strictObject({
    tenant: tenantId.nullable().describe('Whose backups: a tenant (its tenant-scoped backups) or null for the platform (whole-database backups).'),
    from: z.string(),
    to: z.string(),
    databases: z.array(
      z.strictObject({
        database: z.enum(BACKUP_DATABASES),
        lastSuccessAt: z.string().nullable().describe('Latest completed backup up to the end of the period.'),
        lastFailureAt: z.string().nullable().describe('Latest failed backup up to the end of the period.'),
        failuresInRange: count,
        lagSeconds: z.number().nullable().describe('Seconds from the latest completed backup to the end of the period (or now, if earlier); null without one.'),
      }),
    ),
  })
  .describe('Backup health per database.');
export type AnalyticsBackups = z.infer<typeof analyticsBackups>;
