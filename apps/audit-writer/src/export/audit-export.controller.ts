import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { auditExportQuery, type AuditExportFormat } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { LOGGER, validated } from '@comply/service-runtime';
import { CurrentReader, type Reader, ReaderGuard } from '@comply/tenant-directory';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ReadableLogs } from '../log-access/readable-logs';
import { AuditExportService, ExportPlan } from './audit-export.service';

const CONTENT_TYPES: Record<AuditExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

@Controller('v1/audit')
@UseGuards(ReaderGuard)
export class AuditExportController {
  constructor(
    private readonly exports: AuditExportService,
    private readonly logs: ReadableLogs,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('export')
  async export(@Query() query: Record<string, unknown>, @CurrentReader() reader: Reader, @Res() reply: FastifyReply): Promise<void> {
    const parsed = validated(auditExportQuery, query, 'query');
    const plan = await this.exports.plan(await this.logs.select(reader, parsed), new Date(parsed.from), new Date(parsed.to));
    reply
      .header('content-type', CONTENT_TYPES[parsed.format])
      .header('content-disposition', `attachment; filename="${exportFileName(plan, parsed.format)}"`)
      .header('cache-control', 'no-store');
    // CSV has no place for the signed note: it travels in a header; the NDJSON form carries it and the proofs.
    if (parsed.format === 'csv' && plan.checkpoint) reply.header('x-audit-checkpoint', Buffer.from(plan.checkpoint.note, 'utf8').toString('base64'));
    const body = Readable.from(this.exports.lines(plan, parsed.format));
    // Headers are gone by the time a page fails: the connection is cut, so the file is visibly incomplete (no trailer).
    body.on('error', (error) => this.logger.error({ logId: plan.logId, err: error }, 'audit export failed mid-stream'));
    await reply.send(body);
  }
}

/** e.g. audit-acme-20260101T000000Z-20260201T000000Z.ndjson */
function exportFileName(plan: ExportPlan, format: AuditExportFormat): string {
  const compact = (instant: Date) => instant.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `audit-${plan.logId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${compact(plan.from)}-${compact(plan.to)}.${format}`;
}
