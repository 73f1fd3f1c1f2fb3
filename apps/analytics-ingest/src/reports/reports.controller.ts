import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  analyticsQuery,
  analyticsTaxonomyQuery,
  type AnalyticsBackups,
  type AnalyticsBilling,
  type AnalyticsCompliance,
  type AnalyticsPerformance,
  type AnalyticsTaxonomy,
  type AnalyticsUsage,
} from '@comply/contracts';
import { validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { ReportsService } from './reports.service';

/** /v1/analytics/*: reports over the rollups for a tenant's `read` key or the admin token. */
@Controller('v1/analytics')
@UseGuards(ReaderGuard)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('usage')
  usage(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsUsage> {
    return this.reports.usage(reader, validated(analyticsQuery, query, 'query'));
  }

  @Get('performance')
  performance(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsPerformance> {
    return this.reports.performance(reader, validated(analyticsQuery, query, 'query'));
  }

  @Get('taxonomy')
  taxonomy(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsTaxonomy> {
    return this.reports.taxonomy(reader, validated(analyticsTaxonomyQuery, query, 'query'));
  }

  @Get('compliance')
  compliance(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsCompliance> {
    return this.reports.compliance(reader, validated(analyticsQuery, query, 'query'));
  }

  @Get('billing')
  billing(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsBilling> {
    return this.reports.billing(reader, validated(analyticsQuery, query, 'query'));
  }

  @Get('backups')
  backups(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader): Promise<AnalyticsBackups> {
    return this.reports.backups(reader, validated(analyticsQuery, query, 'query'));
  }
}
