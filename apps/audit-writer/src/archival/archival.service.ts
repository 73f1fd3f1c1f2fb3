import { Inject, Injectable } from '@nestjs/common';
import type { AuditArchivalRun } from '@comply/contracts';
import type { Logger, ServiceMetrics } from '@comply/observability';
import { addToOutbox } from '@comply/messaging';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG, SERVICE_METRICS } from '@comply/service-runtime';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { AuditWriterConfig } from '../audit-writer-settings';
import { CheckpointIssuer } from '../checkpoints/checkpoint-issuer';
import { CheckpointStore, StoredCheckpoint } from '../checkpoints/checkpoint-store';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { AuditDatabase } from '../database/audit-database';
import { AuditExportService } from '../export/audit-export.service';
import { ArchiveManifest, ArchiveManifestLog, manifestBlobName, sliceBlobName } from './archive-manifest';
import { verifyArchiveSlice } from './archive-slice-verifier';
import { ArchiveConflictError, ArchiveStore } from './archive-store';
import { ArchivalRepository, LogPartition, PartitionLog } from './archival.repository';

type PartitionOutcome = AuditArchivalRun['partitions'][number];

/** Why a partition is kept: its archive could not be written or did not verify. */
class ArchivalRefused extends Error {}

/** The first instant of `now`'s UTC month, `months` months back: partitions ending at or before it are past retention. */
export function retentionCutoff(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}

/**
 * Retention: each monthly partition of audit_log whose whole range is past AUDIT_RETENTION_MONTHS
 * is, in order, oldest first:
 *  1. covered by a signed checkpoint for every log in it (signed now if need be);
 *  2. written to the archive container create-only, one slice per log in the export format (with
 *     that checkpoint and inclusion proofs) and a manifest; a retried run finding the same bytes
 *     goes on, different bytes stop it;
 *  3. read back from storage and verified (chain, leaf hashes, fields, inclusion of the first and
 *     last entries, SHA-256, counts and end hashes against the database), and only then marked verified;
 *  4. with AUDIT_ARCHIVE_HANDOFF, archived by backup-worker too: archive.requested.v1 is sent and the
 *     partition kept until a later run finds archive.completed.v1 recorded with its row count;
 *  5. dropped by audit_archive_drop_partition, which copies its leaf hashes aside and checks the
 *     record against the rows again.
 * One run at a time across replicas (an advisory lock); a refused partition stops the run with an alarm.
 */
@Injectable()
export class ArchivalService {
  private readonly refusals: Counter;
  private readonly handoffFailures: Counter;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuditWriterConfig, 'AUDIT_RETENTION_MONTHS' | 'AUDIT_ARCHIVE_HANDOFF'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    private readonly archival: ArchivalRepository,
    private readonly store: ArchiveStore,
    private readonly exports: AuditExportService,
    private readonly issuer: CheckpointIssuer,
    private readonly checkpoints: CheckpointStore,
    private readonly signer: CheckpointService,
  ) {
    this.refusals = new Counter({
      name: 'audit_archival_refusals_total',
      help: 'Partitions past retention kept because their archive could not be written or did not verify: each one is an alarm.',
      registers: [metrics.registry],
    });
    this.handoffFailures = new Counter({
      name: 'audit_archival_handoff_failures_total',
      help: "Partitions kept because backup-worker's archive of them failed or held another row count (AUDIT_ARCHIVE_HANDOFF); each is asked again on the next run.",
      registers: [metrics.registry],
    });
  }

  async run(options: { dryRun?: boolean; now?: Date } = {}): Promise<AuditArchivalRun> {
    const dryRun = options.dryRun ?? false;
    const retentionMonths = this.config.AUDIT_RETENTION_MONTHS;
    const cutoff = retentionCutoff(options.now ?? new Date(), retentionMonths);
    const result: AuditArchivalRun = { ran: false, dryRun, retentionMonths, cutoff: cutoff.toISOString(), partitions: [] };
    // The lock's transaction stays open (holding nothing else) for the run; the work runs in transactions of its own.
    await this.database.db.transaction(async (lock) => {
      if (!(await this.archival.tryLock(lock))) return;
      result.ran = true;
      const due = (await this.database.db.transaction((tx) => this.archival.partitions(tx))).filter((p) => p.rangeEnd.getTime() <= cutoff.getTime());
      for (const partition of due) {
        const outcome = await this.archivePartition(partition, cutoff, dryRun);
        result.partitions.push(outcome);
        if (outcome.outcome === 'refused') break;
      }
    });
    if (!result.ran) this.logger.info('audit archival skipped: another run holds the lock');
    return result;
  }

  private async archivePartition(partition: LogPartition, cutoff: Date, dryRun: boolean): Promise<PartitionOutcome> {
    const logs = await this.database.db.transaction((tx) => this.archival.partitionLogs(tx, partition.partition));
    const entries = logs.reduce((sum, log) => sum + log.entries, 0);
    const outcome: PartitionOutcome = {
      partition: partition.partition,
      from: partition.rangeStart.toISOString(),
      to: partition.rangeEnd.toISOString(),
      logs: logs.length,
      entries,
      outcome: 'would-archive',
    };
    if (dryRun) return outcome;
    try {
      const manifest = await this.write(partition, logs, entries);
      await this.verifyStored(partition, logs, manifest);
      await this.database.db.transaction((tx) => this.archival.markVerified(tx, partition.partition));
      if (this.config.AUDIT_ARCHIVE_HANDOFF) {
        const waiting = await this.handoff(partition.partition, entries);
        if (waiting) return { ...outcome, outcome: 'awaiting-handoff', reason: waiting };
      }
      const kept = await this.database.db.transaction((tx) => this.archival.dropPartition(tx, partition.partition, cutoff));
      this.logger.info({ partition: partition.partition, logs: logs.length, entries, leavesKept: kept }, 'archived and dropped an audit_log partition');
      return { ...outcome, outcome: 'archived' };
    } catch (error) {
      const reason = error instanceof ArchivalRefused || error instanceof ArchiveConflictError ? error.message : `archival failed: ${(error as Error).message}`;
      this.refusals.inc();
      this.logger.error({ partition: partition.partition, reason, err: error }, 'audit archival refused: the partition is kept');
      return { ...outcome, outcome: 'refused', reason };
    }
  }

  /**
   * The hand-off to backup-worker, between verification and the drop: undefined once backup-worker
   * answered the partition's request completed with its row count; else why it is kept. Without a
   * request, or after a failed answer, a new request goes to the outbox with its record.
   */
  private async handoff(partition: string, entries: number): Promise<string | undefined> {
    const archive = await this.database.db.transaction((tx) => this.archival.archive(tx, partition));
    if (archive?.handoffStatus === 'completed' && archive.handoffRows === entries) return undefined;
    if (archive?.handoffStatus === 'requested') return `waiting for backup-worker to answer archive request ${archive.handoffRequestId}`;
    if (archive?.handoffStatus) {
      const problem =
        archive.handoffStatus === 'failed'
          ? `backup-worker could not archive it (${archive.handoffError})`
          : `backup-worker archived ${archive.handoffRows} rows of ${entries}`;
      this.handoffFailures.inc();
      this.logger.error({ partition, requestId: archive.handoffRequestId, problem }, 'audit archival hand-off failed: the partition is kept and asked for again');
    }
    const requestId = randomUUID();
    await this.database.db.transaction(async (tx) => {
      await this.archival.requestHandoff(tx, partition, requestId);
      await addToOutbox(tx, {
        type: 'archive.requested.v1',
        payload: { requestId, database: 'audit', table: partition, rows: entries, requestedAt: new Date().toISOString() },
        correlationId: requestId,
      });
    });
    this.logger.info({ partition, requestId, rows: entries }, 'asked backup-worker to archive an audit_log partition before it is dropped');
    return `asked backup-worker to archive it (request ${requestId}); dropped on a run after it completed`;
  }

  /** Steps 1 and 2: checkpoints, slices, manifest, records. */
  private async write(partition: LogPartition, logs: PartitionLog[], entries: number): Promise<ArchiveManifest> {
    const manifestLogs: ArchiveManifestLog[] = [];
    for (const log of logs) {
      const checkpoint = await this.coveringCheckpoint(log.logId, log.lastSequence);
      const blob = sliceBlobName(partition.partition, log.logId);
      const plan = { logId: log.logId, from: partition.rangeStart, to: partition.rangeEnd, range: { first: log.firstSequence, last: log.lastSequence }, checkpoint };
      const written = await this.store.writeSlice(blob, () => this.exports.ndjson(plan));
      manifestLogs.push({
        logId: log.logId,
        firstSequence: log.firstSequence,
        lastSequence: log.lastSequence,
        entries: log.entries,
        firstPrevHash: log.firstPrevHash.toString('hex'),
        lastHash: log.lastHash.toString('hex'),
        blob,
        sha256: written.sha256.toString('hex'),
        bytes: written.bytes,
        checkpoint: checkpoint.note,
      });
    }
    const manifest: ArchiveManifest = { format: 1, partition: partition.partition, from: partition.rangeStart.toISOString(), to: partition.rangeEnd.toISOString(), entries, logs: manifestLogs };
    const written = await this.store.writeManifest(manifest);
    const recorded = await this.database.db.transaction((tx) =>
      this.archival.recordArchive(tx, {
        partition: partition.partition,
        rangeStart: partition.rangeStart,
        rangeEnd: partition.rangeEnd,
        manifestBlob: manifestBlobName(partition.partition),
        manifestSha256: written.sha256,
        entries,
      }),
    );
    if (!recorded.manifestSha256.equals(written.sha256)) throw new ArchivalRefused(`the archive record of ${partition.partition} names another manifest`);
    for (const log of manifestLogs) {
      const record = {
        partition: partition.partition,
        logId: log.logId,
        firstSequence: log.firstSequence,
        lastSequence: log.lastSequence,
        entries: log.entries,
        firstPrevHash: Buffer.from(log.firstPrevHash, 'hex'),
        lastHash: Buffer.from(log.lastHash, 'hex'),
        sliceBlob: log.blob,
        sliceSha256: Buffer.from(log.sha256, 'hex'),
        checkpointSize: this.signer.open(log.checkpoint).size,
      };
      const stored = await withTenant(this.database.db, log.logId, (tx) => this.archival.recordArchiveLog(tx, record));
      if (!stored.sliceSha256.equals(record.sliceSha256) || stored.lastSequence !== record.lastSequence || !stored.lastHash.equals(record.lastHash)) {
        throw new ArchivalRefused(`the archive record of log ${log.logId} in ${partition.partition} names another slice`);
      }
    }
    return manifest;
  }

  /** Step 3: every blob read back from storage and checked against the database. */
  private async verifyStored(partition: LogPartition, logs: PartitionLog[], written: ArchiveManifest): Promise<void> {
    const stored = await this.store.manifest(partition.partition);
    if (!stored) throw new ArchivalRefused(`the manifest of ${partition.partition} is not in blob storage`);
    const { manifest } = stored;
    if (JSON.stringify(manifest) !== JSON.stringify(written)) throw new ArchivalRefused(`the stored manifest of ${partition.partition} is not the one written`);
    const recorded = await this.database.db.transaction((tx) => this.archival.archive(tx, partition.partition));
    if (!recorded?.manifestSha256.equals(stored.sha256)) throw new ArchivalRefused(`the stored manifest of ${partition.partition} does not have the recorded SHA-256`);
    if (manifest.logs.length !== logs.length) throw new ArchivalRefused(`the manifest lists ${manifest.logs.length} logs, the partition holds ${logs.length}`);
    for (const log of logs) {
      const listed = manifest.logs.find((entry) => entry.logId === log.logId);
      const record = await withTenant(this.database.db, log.logId, (tx) => this.archival.archiveLog(tx, partition.partition, log.logId));
      if (!listed || !record) throw new ArchivalRefused(`log ${log.logId} of ${partition.partition} is missing from the manifest or the archive record`);
      const body = await this.store.read(listed.blob);
      if (!body) throw new ArchivalRefused(`the slice ${listed.blob} is not in blob storage`);
      const verdict = await verifyArchiveSlice(
        body,
        { ...log, sha256: record.sliceSha256 },
        (note) => this.signer.open(note),
      );
      if (!verdict.intact) throw new ArchivalRefused(`the slice ${listed.blob} as stored does not verify: ${verdict.problem}`);
      if (verdict.checkpointSize !== record.checkpointSize) throw new ArchivalRefused(`the slice ${listed.blob} carries another checkpoint than recorded`);
    }
  }

  /**
   * The smallest stored checkpoint covering the partition's last entry of the log, signed now if
   * none does: the same one on every retry, so a retried run writes the same slice.
   */
  private async coveringCheckpoint(logId: string, lastSequence: number): Promise<StoredCheckpoint> {
    const stored = await this.checkpoints.firstCovering(logId, lastSequence);
    if (stored) return stored;
    await this.issuer.issue(logId);
    const issued = await this.checkpoints.firstCovering(logId, lastSequence);
    if (!issued) throw new ArchivalRefused(`no checkpoint of log ${logId} covers entry ${lastSequence}`);
    return issued;
  }
}
