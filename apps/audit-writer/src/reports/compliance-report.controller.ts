import { Controller, Get, NotFoundException, Param, Query, Res, UseGuards } from '@nestjs/common';
import { COMPLIANCE_FRAMEWORKS, complianceFrameworkOf, complianceReportQuery, type ComplianceReport } from '@comply/contracts';
import { invalidRequest, validated } from '@comply/service-runtime';
import type { FastifyReply } from 'fastify';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import { ReadableLogs } from '../log-access/readable-logs';
import { COMPLIANCE_REPORT_PAGE_CSP, complianceReportPage } from './compliance-report-page';
import { ComplianceReportService } from './compliance-report.service';

@Controller('v1/audit/reports')
@UseGuards(ReaderGuard)
export class ComplianceReportController {
  constructor(
    private readonly reports: ComplianceReportService,
    private readonly logs: ReadableLogs,
  ) {}

  @Get(':framework')
  async report(
    @Param('framework') name: string,
    @Query() query: Record<string, unknown>,
    @CurrentReader() reader: Reader,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ComplianceReport | string> {
    const framework = complianceFrameworkOf(name);
    if (!framework) throw new NotFoundException(`Unknown compliance framework "${name.slice(0, 50)}": one of ${COMPLIANCE_FRAMEWORKS.join(', ')}`);
    const parsed = validated(complianceReportQuery, query, 'query');
    const period = { from: new Date(parsed.from), to: new Date(parsed.to) };
    if (period.to <= period.from) throw invalidRequest('query', [{ path: 'to', message: 'Must be after `from`' }]);
    const report = await this.reports.report(framework, await this.logs.select(reader, parsed), period);
    if (parsed.format === 'json') return report;
    reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', COMPLIANCE_REPORT_PAGE_CSP).header('x-content-type-options', 'nosniff');
    return complianceReportPage(report);
  }
}
