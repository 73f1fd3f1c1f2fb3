import { whoamiResponse } from './directory-api';
import {
  analyticsBackups,
  analyticsBilling,
  analyticsCompliance,
  analyticsPerformance,
  analyticsQuery,
  analyticsTaxonomy,
  analyticsTaxonomyQuery,
  analyticsUsage,
} from './analytics-api';
import {
  apiKeyErrors,
  componentReferences,
  componentSchemas,
  JsonObject,
  operationsPaths,
  PLATFORM_RESPONSE_SCHEMAS,
  PLATFORM_SECURITY_SCHEMES,
  queryParameters,
  unauthenticated,
  whoamiPath,
  withPlatformErrors,
} from './openapi-builder';

/**
 * analytics-ingest's OpenAPI 3.1 document, generated from the zod contracts the service validates
 * with, so that the document and the service cannot disagree.
 */

const RESPONSE_SCHEMAS = {
  AnalyticsUsage: analyticsUsage,
  AnalyticsPerformance: analyticsPerformance,
  AnalyticsTaxonomy: analyticsTaxonomy,
  AnalyticsCompliance: analyticsCompliance,
  AnalyticsBilling: analyticsBilling,
  AnalyticsBackups: analyticsBackups,
  WhoamiResponse: whoamiResponse,
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof RESPONSE_SCHEMAS;
const { returns, error } = componentReferences<SchemaName>();

/** A tenant's `read` key reports on its own tenant; the admin token on any tenant or the fleet. */
const tenantKeyOrAdminToken = [{ apiKey: ['read'] }, { adminToken: [] }];

function report(operationId: string, summary: string, description: string, response: SchemaName, query = analyticsQuery): JsonObject {
  return {
    get: {
      operationId,
      tags: ['analytics'],
      summary,
      description,
      security: tenantKeyOrAdminToken,
      parameters: queryParameters(query),
      responses: {
        200: returns('The report.', response),
        ...apiKeyErrors,
        400: error('Invalid query parameter: `issues` names it (`tenant`, `from`, `to`, `granularity`, `limit`).'),
        404: error("A tenant API key named another tenant: no such tenant for this caller."),
      },
    },
  };
}

function analyticsPaths(): JsonObject {
  return {
    '/v1/analytics/usage': report('analyticsUsage', 'Records stored and deleted over time, by detector and model version', 'From the hourly or daily rollups; months are rolled up from days.', 'AnalyticsUsage'),
    '/v1/analytics/performance': report(
      'analyticsPerformance',
      'Confidence and latency percentiles over time',
      'p50, p95 and p99 read from fixed histogram buckets: each is the upper edge of the bucket holding the rank, so it overstates the exact value by at most that bucket\'s width.',
      'AnalyticsPerformance',
    ),
    '/v1/analytics/taxonomy': report(
      'analyticsTaxonomy',
      'Top taxonomy labels, ancestors included',
      'A record stored under PII.Identifier.SSN counts for PII.Identifier and PII too.',
      'AnalyticsTaxonomy',
      analyticsTaxonomyQuery,
    ),
    '/v1/analytics/compliance': report(
      'analyticsCompliance',
      'Compliance coverage per framework',
      "Records stored under each control's labels (the compliance catalog of libs/contracts, equal to core-store's seeded mappings) and how many controls saw any.",
      'AnalyticsCompliance',
    ),
    '/v1/analytics/billing': report(
      'analyticsBilling',
      'MRR, invoices paid and failed, revenue per plan',
      'From billing-events: subscription changes (MRR), invoices paid and failed payments (counts, amounts, series).',
      'AnalyticsBilling',
    ),
    '/v1/analytics/backups': report(
      'analyticsBackups',
      'Backup health per database',
      'Last success and failure up to the end of the period, failures in it, and lag. The admin token without `tenant` reads the platform\'s whole-database backups; a tenant its own tenant-scoped ones.',
      'AnalyticsBackups',
    ),
  };
}

/** The built-in dashboard: a static page and the files it links, which hold no data; the page sends the reader's credential with each report it requests. */
function dashboardPaths(): JsonObject {
  const text = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  return {
    '/dashboard': {
      get: {
        operationId: 'dashboardPage',
        tags: ['dashboard'],
        summary: 'The built-in dashboard page',
        description: "Charts of the /v1/analytics/* reports. It asks for the admin token or a tenant's `read` key, kept in the tab's session storage, and sends it as a bearer token with each report request.",
        security: unauthenticated,
        responses: { 200: text('The page (Cache-Control: no-cache, with an ETag).', 'text/html'), 304: { description: 'Not modified (If-None-Match).' } },
      },
    },
    '/dashboard/{asset}': {
      get: {
        operationId: 'dashboardAsset',
        tags: ['dashboard'],
        summary: "A script or stylesheet of the dashboard (its own, or uPlot's)",
        security: unauthenticated,
        parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string', enum: ['dashboard.js', 'dashboard.css', 'uplot.js', 'uplot.css'] } }],
        responses: {
          200: { description: 'The file; cacheable for a year, as the page links it with a version of its content.', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } },
          304: { description: 'Not modified (If-None-Match).' },
          404: error('No such asset.'),
        },
      },
    },
  };
}

export function analyticsOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'analytics-ingest API',
      version: '1',
      description: 'Reports over hourly and daily rollups of the platform\'s events: ingest volume, model quality, taxonomy, compliance coverage, billing and backup health.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'analytics', description: 'A tenant reading its own reports with a `read` key; operators reading any tenant or the fleet with the admin token.' },
      { name: 'dashboard', description: 'The built-in dashboard and its files; no authentication (the reports it reads need it).' },
      { name: 'auth', description: 'Who an API key belongs to; every service answers the same.' },
      { name: 'operations', description: 'Health, metrics and this documentation; no authentication.' },
    ],
    paths: withPlatformErrors({ ...analyticsPaths(), ...dashboardPaths(), ...whoamiPath(), ...operationsPaths() }),
    components: { schemas: componentSchemas(RESPONSE_SCHEMAS, 'output'), securitySchemes: PLATFORM_SECURITY_SCHEMES },
  };
}
