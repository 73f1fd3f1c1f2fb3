import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AuditExportFormat, AuditExportHeader, AuditExportTrailer } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, invalidRequest } from '@comply/service-runtime';
import { CheckpointStore, StoredCheckpoint } from '../checkpoints/checkpoint-store';
import { AuditDatabase } from '../database/audit-database';
import { AuditLogRow } from '../database/schema';
import { entryResponseOf } from '../entries/stored-entry';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { AuditProofsService } from '../proofs/audit-proofs.service';
import { AuditExportRepository, SequenceRange } from './audit-export.repository';
import { csvEntryRecord, csvHeaderRecord } from './csv-row';

/** Rows per read: a few thousand keeps round trips rare and memory flat whatever the period. */
const PAGE_SIZE = 2_000;

/** What an export covers, decided before the first byte is sent. */
export interface ExportPlan {
  logId: string;
  from: Date;
  to: Date;
  /** Undefined when nothing was recorded in the period. */
  range: SequenceRange | undefined;
  /** The latest checkpoint, when it covers the last exported entry. */
  checkpoint: StoredCheckpoint | undefined;
}

/**
 * Streams the entries of a log recorded in a period, page by page in sequence order, as NDJSON
 * (header with the signed checkpoint, entries, trailer with inclusion proofs of the first and last
 * entry) or as CSV. Memory stays flat: one page of rows at a time, plus the leaf hashes the two
 * proofs read (32 bytes per entry of the checkpoint's tree, see AuditProofsService).
 */
@Injectable()
export class AuditExportService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly reader: AuditLogReaderRepository,
    private readonly exports: AuditExportRepository,
    private readonly proofs: AuditProofsService,
    private readonly modules: ModuleRef,
  ) {}

  /**
   * The sequence range recorded in [from, to) and the checkpoint to ship with it. `checkpoints`
   * defaults to the CheckpointStore the application provides, if any: without one exports carry
   * no checkpoint.
   */
  async plan(logId: string, from: Date, to: Date, checkpoints: CheckpointStore | undefined = this.providedCheckpointStore()): Promise<ExportPlan> {
    if (to.getTime() <= from.getTime()) throw invalidRequest('query', [{ path: 'to', message: 'Must be after `from`' }]);
    const range = await withTenant(this.database.db, logId, (tx) => this.exports.recordedIn(tx, logId, from, to));
    const latest = range && checkpoints ? await checkpoints.latest(logId) : undefined;
    return { logId, from, to, range, checkpoint: latest && range && latest.size >= range.last ? latest : undefined };
  }

  /** The NDJSON lines, each ending in a newline. */
  async *ndjson(plan: ExportPlan): AsyncGenerator<string> {
    const header: AuditExportHeader = {
      type: 'header',
      logId: plan.logId,
      from: plan.from.toISOString(),
      to: plan.to.toISOString(),
      format: 1,
      checkpoint: plan.checkpoint?.note ?? null,
    };
    yield `${JSON.stringify(header)}\n`;
    let entries = 0;
    for await (const row of this.rows(plan)) {
      const { sequence, canonical, leafHash, prevHash, hash, ...fields } = entryResponseOf(row);
      yield `${JSON.stringify({ type: 'entry', sequence, canonical, leafHash, prevHash, hash, ...fields })}\n`;
      entries++;
    }
    yield `${JSON.stringify(await this.trailer(plan, entries))}\n`;
  }

  /** The CSV records: a header record, then one per entry. */
  async *csv(plan: ExportPlan): AsyncGenerator<string> {
    yield csvHeaderRecord();
    for await (const row of this.rows(plan)) yield csvEntryRecord(row);
  }

  lines(plan: ExportPlan, format: AuditExportFormat): AsyncGenerator<string> {
    return format === 'csv' ? this.csv(plan) : this.ndjson(plan);
  }

  /** The planned range, read in pages; each page is its own short read, so no transaction spans the export. */
  private async *rows(plan: ExportPlan): AsyncGenerator<AuditLogRow> {
    if (!plan.range) return;
    const { logId } = plan;
    const { first, last } = plan.range;
    let after = first - 1;
    while (after < last) {
      const from = after;
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.range(tx, logId, from, last, PAGE_SIZE));
      if (page.length === 0) throw new Error(`audit export of log ${logId}: entries ${after + 1}..${last} vanished during the export`);
      yield* page;
      after = (page[page.length - 1] as AuditLogRow).sequence;
    }
  }

  private async trailer(plan: ExportPlan, entries: number): Promise<AuditExportTrailer> {
    const { range, checkpoint } = plan;
    if (range && entries !== range.last - range.first + 1) {
      throw new Error(`audit export of log ${plan.logId}: ${entries} entries read for sequences ${range.first}..${range.last}; the log has a gap: verify it`);
    }
    let inclusion: AuditExportTrailer['inclusion'] = null;
    if (range && checkpoint) {
      const first = await this.proofs.inclusion(plan.logId, range.first, checkpoint.size);
      const last = range.last === range.first ? first : await this.proofs.inclusion(plan.logId, range.last, checkpoint.size);
      inclusion = { first, last };
    }
    return { type: 'trailer', entries, firstSequence: range?.first ?? null, lastSequence: range?.last ?? null, inclusion };
  }

  private providedCheckpointStore(): CheckpointStore | undefined {
    try {
      return this.modules.get(CheckpointStore, { strict: false });
    } catch {
      return undefined;
    }
  }
}
