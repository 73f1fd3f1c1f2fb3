import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  BACKUP_DATABASES,
  COMPLIANCE_CATALOG,
  COMPLIANCE_FRAMEWORKS,
  taxonomyDepth,
  type AnalyticsBackups,
  type AnalyticsBilling,
  type AnalyticsCompliance,
  type AnalyticsPercentiles,
  type AnalyticsPerformance,
  type AnalyticsQuery,
  type AnalyticsTaxonomy,
  type AnalyticsTaxonomyQuery,
  type AnalyticsUsage,
} from '@comply/contracts';
import type { Reader } from '@comply/tenant-directory';
import { PLATFORM_TENANT } from '../database/schema';
import { ANALYTICS_CLOCK, type AnalyticsClock } from '../rollups/analytics-clock';
import { addHistogram, CONFIDENCE_BUCKETS, emptyHistogram, LATENCY_MS_BUCKETS, percentile, type HistogramBuckets } from '../rollups/histogram-buckets';
import { bucketsOf, reportPeriod, type ReportPeriod } from './report-period';
import { ReportScope, ReportsRepository } from './reports.repository';

/** Detectors and model versions listed at most. */
const MAX_LISTED = 100;
/** The currency reported when the period has no billing data at all. */
const DEFAULT_CURRENCY = 'usd';

function percentilesOf(buckets: HistogramBuckets, counts: readonly number[]): AnalyticsPercentiles {
  return { p50: percentile(buckets, counts, 0.5), p95: percentile(buckets, counts, 0.95), p99: percentile(buckets, counts, 0.99) };
}

/** Fills every bucket of the period, zeros where the rollups have no row. */
function everyBucket<T extends { bucket: string }>(period: ReportPeriod, rows: T[], empty: (bucket: string) => T): T[] {
  const byBucket = new Map(rows.map((row) => [row.bucket, row]));
  return bucketsOf(period).map((bucket) => byBucket.get(bucket) ?? empty(bucket));
}

/**
 * The reports of /v1/analytics/*, read from the rollups in the reader's scope: a tenant key reads
 * its own tenant (naming another is answered 404, as a tenant that does not exist for it), the
 * admin token the tenant it names or, naming none, the fleet.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    @Inject(ANALYTICS_CLOCK) private readonly clock: AnalyticsClock,
  ) {}

  async usage(reader: Reader, query: AnalyticsQuery): Promise<AnalyticsUsage> {
    const { scope, period, header } = this.prepare(reader, query);
    return this.repository.read(scope, async (tx) => {
      const series = await this.repository.recordSeries(tx, scope, period);
      const detectors = await this.repository.dimensionTotals(tx, scope, period, 'detector', { limit: MAX_LISTED });
      const models = await this.repository.dimensionTotals(tx, scope, period, 'model', { limit: MAX_LISTED });
      return {
        ...header,
        series: everyBucket(
          period,
          series.map(({ bucket, stored, deleted }) => ({ bucket, stored, deleted })),
          (bucket) => ({ bucket, stored: 0, deleted: 0 }),
        ),
        byDetector: detectors.map(({ key, stored }) => ({ detector: key, stored })),
        byModelVersion: models.map(({ key, stored }) => ({ modelVersion: key, stored })),
      };
    });
  }

  async performance(reader: Reader, query: AnalyticsQuery): Promise<AnalyticsPerformance> {
    const { scope, period, header } = this.prepare(reader, query);
    const rows = await this.repository.read(scope, (tx) => this.repository.recordSeries(tx, scope, period));
    const confidence = emptyHistogram(CONFIDENCE_BUCKETS);
    const latency = emptyHistogram(LATENCY_MS_BUCKETS);
    const series = rows.map((row) => {
      addHistogram(confidence, row.confidence);
      addHistogram(latency, row.latency);
      return { bucket: row.bucket, count: row.stored, confidence: percentilesOf(CONFIDENCE_BUCKETS, row.confidence), latencyMs: percentilesOf(LATENCY_MS_BUCKETS, row.latency) };
    });
    const none = { p50: null, p95: null, p99: null };
    return {
      ...header,
      series: everyBucket(period, series, (bucket) => ({ bucket, count: 0, confidence: none, latencyMs: none })),
      overall: { confidence: percentilesOf(CONFIDENCE_BUCKETS, confidence), latencyMs: percentilesOf(LATENCY_MS_BUCKETS, latency) },
    };
  }

  async taxonomy(reader: Reader, query: AnalyticsTaxonomyQuery): Promise<AnalyticsTaxonomy> {
    const { scope, period, header } = this.prepare(reader, query);
    const labels = await this.repository.read(scope, (tx) => this.repository.dimensionTotals(tx, scope, period, 'label', { limit: query.limit }));
    return { ...header, labels: labels.map(({ key, stored }) => ({ label: key, depth: taxonomyDepth(key), stored })) };
  }

  async compliance(reader: Reader, query: AnalyticsQuery): Promise<AnalyticsCompliance> {
    const { scope, period, header } = this.prepare(reader, query);
    const catalogLabels = [...new Set(COMPLIANCE_FRAMEWORKS.flatMap((framework) => COMPLIANCE_CATALOG[framework].controls.flatMap((control) => control.labels)))];
    const counts = await this.repository.read(scope, (tx) =>
      this.repository.dimensionTotals(tx, scope, period, 'label', { limit: catalogLabels.length, keys: catalogLabels }),
    );
    const storedUnder = new Map(counts.map(({ key, stored }) => [key, stored]));
    return {
      ...header,
      frameworks: COMPLIANCE_FRAMEWORKS.map((framework) => {
        const { title, controls } = COMPLIANCE_CATALOG[framework];
        const mapped = controls
          .filter((control) => control.labels.length > 0)
          .map((control) => ({
            id: control.id,
            title: control.title,
            labels: [...control.labels],
            recordsWithLabels: control.labels.reduce((sum, label) => sum + (storedUnder.get(label) ?? 0), 0),
          }));
        return { framework, title, controls: mapped, coveredControls: mapped.filter((control) => control.recordsWithLabels > 0).length, totalControls: mapped.length };
      }),
    };
  }

  async billing(reader: Reader, query: AnalyticsQuery): Promise<AnalyticsBilling> {
    const { scope, period, header } = this.prepare(reader, query);
    return this.repository.read(scope, async (tx) => {
      const [currency = DEFAULT_CURRENCY, ...otherCurrencies] = await this.repository.currencies(tx, scope, period);
      const series = everyBucket(period, await this.repository.invoiceSeries(tx, scope, period, currency), (bucket) => ({ bucket, paid: 0, failed: 0, revenue: 0 }));
      const mrrAt = new Date(Math.min(period.to.getTime(), this.clock.now().getTime()));
      return {
        ...header,
        currency,
        otherCurrencies,
        mrr: { amount: await this.repository.mrr(tx, scope, mrrAt, currency), currency },
        invoices: {
          paid: series.reduce((sum, row) => sum + row.paid, 0),
          failed: series.reduce((sum, row) => sum + row.failed, 0),
          paidAmount: series.reduce((sum, row) => sum + row.revenue, 0),
        },
        revenueByPlan: await this.repository.revenueByPlan(tx, scope, period, currency),
        series,
      };
    });
  }

  /** Backups are kept per day: the period is widened to whole days. */
  async backups(reader: Reader, query: AnalyticsQuery): Promise<AnalyticsBackups> {
    const scope = this.scopeOf(reader, query.tenant);
    const period = reportPeriod({ ...query, granularity: 'day' }, this.clock.now());
    const owner = scope?.tenantId ?? PLATFORM_TENANT;
    const rows = await this.repository.read({ tenantId: owner }, (tx) => this.repository.backups(tx, owner, period));
    const byDatabase = new Map(rows.map((row) => [row.database, row]));
    const end = Math.min(period.to.getTime(), this.clock.now().getTime());
    return {
      tenant: scope?.tenantId ?? null,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      databases: BACKUP_DATABASES.map((database) => {
        const row = byDatabase.get(database);
        const lastSuccessAt = row?.lastSuccessAt ?? null;
        return {
          database,
          lastSuccessAt,
          lastFailureAt: row?.lastFailureAt ?? null,
          failuresInRange: row?.failuresInRange ?? 0,
          lagSeconds: lastSuccessAt === null ? null : Math.max(0, Math.round((end - Date.parse(lastSuccessAt)) / 1000)),
        };
      }),
    };
  }

  private prepare(reader: Reader, query: AnalyticsQuery) {
    const scope = this.scopeOf(reader, query.tenant);
    const period = reportPeriod(query, this.clock.now());
    const header = { tenant: scope?.tenantId ?? null, from: period.from.toISOString(), to: period.to.toISOString(), granularity: period.granularity };
    return { scope, period, header };
  }

  private scopeOf(reader: Reader, tenant: string | undefined): ReportScope {
    if (reader.kind === 'admin') return tenant === undefined ? null : { tenantId: tenant };
    if (tenant !== undefined && tenant !== reader.tenantId) throw new NotFoundException(`No tenant "${tenant}" for this API key`);
    return { tenantId: reader.tenantId };
  }
}
