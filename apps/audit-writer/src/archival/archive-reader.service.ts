import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuditArchiveList, AuditArchiveVerification } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { createInterface } from 'node:readline';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { AuditDatabase } from '../database/audit-database';
import { AuditArchiveLogRow } from '../database/schema';
import { ArchivedEntrySource } from '../proofs/archived-entry-source';
import { ArchiveManifestSource } from '../verification/archive-manifest-source';
import { verifyArchiveSlice } from './archive-slice-verifier';
import { ArchiveStore } from './archive-store';
import { ArchivalRepository } from './archival.repository';

/**
 * Archived partitions as a log's reader sees them: the list, a slice verified from blob storage
 * (not from the database, which no longer has the entries), and archived entries for proofs.
 */
@Injectable()
export class ArchiveReaderService implements ArchivedEntrySource, ArchiveManifestSource {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly archival: ArchivalRepository,
    private readonly store: ArchiveStore,
    private readonly signer: CheckpointService,
  ) {}

  async list(logId: string): Promise<AuditArchiveList> {
    const rows = await withTenant(this.database.db, logId, (tx) => this.archival.archivesOfLog(tx, logId));
    return {
      logId,
      archives: rows.map(({ archive, log }) => ({
        partition: archive.partition,
        from: archive.rangeStart.toISOString(),
        to: archive.rangeEnd.toISOString(),
        logId: log.logId,
        firstSequence: log.firstSequence,
        lastSequence: log.lastSequence,
        entries: log.entries,
        firstPrevHash: log.firstPrevHash.toString('hex'),
        lastHash: log.lastHash.toString('hex'),
        slice: log.sliceBlob,
        sliceSha256: log.sliceSha256.toString('hex'),
        manifest: archive.manifestBlob,
        checkpointSize: log.checkpointSize,
        verifiedAt: archive.verifiedAt?.toISOString() ?? null,
        droppedAt: archive.droppedAt?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Re-reads the log's slice and the partition's manifest from blob storage and verifies them
   * against each other and the archive record (its counts, end hashes and SHA-256).
   */
  async verify(partition: string, logId: string): Promise<AuditArchiveVerification> {
    const record = await withTenant(this.database.db, logId, (tx) => this.archival.archiveLog(tx, partition, logId));
    if (!record) throw new NotFoundException(`No archive of this log in ${partition}`);
    const broken = (problem: string): AuditArchiveVerification => ({ partition, logId, intact: false, entries: 0, problem });
    const archive = await this.database.db.transaction((tx) => this.archival.archive(tx, partition));
    const stored = await this.store.manifest(partition).catch((error: Error) => ({ unreadable: error.message }));
    if (!stored) return broken('the manifest is not in blob storage');
    if ('unreadable' in stored) return broken(`the manifest is unreadable: ${stored.unreadable}`);
    if (!archive?.manifestSha256.equals(stored.sha256)) return broken('the manifest in blob storage does not have the recorded SHA-256');
    const listed = stored.manifest.logs.find((entry) => entry.logId === logId);
    if (!listed || !sameAsRecord(listed, record)) return broken('the manifest does not list this log as the archive record does');
    const body = await this.store.read(record.sliceBlob);
    if (!body) return broken(`the slice ${record.sliceBlob} is not in blob storage`);
    const verdict = await verifyArchiveSlice(body, { ...record, sha256: record.sliceSha256 }, (note) => this.signer.open(note));
    if (verdict.intact && verdict.checkpointSize !== record.checkpointSize) {
      return { partition, logId, ...verdict, intact: false, problem: 'the slice carries another checkpoint than recorded' };
    }
    return { partition, logId, ...verdict };
  }

  /** For verification of the live log: where the stored manifest says the log's archived entries end. */
  async lastArchived(partition: string, logId: string): Promise<{ sequence: number; hash: Buffer } | undefined> {
    const stored = await this.store.manifest(partition).catch(() => undefined);
    const listed = stored?.manifest.logs.find((entry) => entry.logId === logId);
    return listed && { sequence: listed.lastSequence, hash: Buffer.from(listed.lastHash, 'hex') };
  }

  /** For proofs of archived entries: the entry's canonical bytes, read from its slice. */
  async canonical(logId: string, sequence: number): Promise<Buffer | undefined> {
    const archives = await withTenant(this.database.db, logId, (tx) => this.archival.archivesOfLog(tx, logId));
    const holding = archives.find(({ log }) => log.firstSequence <= sequence && sequence <= log.lastSequence);
    if (!holding?.archive.droppedAt) return undefined;
    const body = await this.store.read(holding.log.sliceBlob);
    if (!body) return undefined;
    for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
      const line = JSON.parse(text) as { type: string; sequence?: number; canonical?: string };
      if (line.type === 'entry' && line.sequence === sequence && typeof line.canonical === 'string') {
        body.destroy();
        return Buffer.from(line.canonical, 'base64');
      }
    }
    return undefined;
  }
}

function sameAsRecord(
  listed: { firstSequence: number; lastSequence: number; entries: number; lastHash: string; firstPrevHash: string; blob: string; sha256: string },
  record: AuditArchiveLogRow,
): boolean {
  return (
    listed.firstSequence === record.firstSequence &&
    listed.lastSequence === record.lastSequence &&
    listed.entries === record.entries &&
    listed.lastHash === record.lastHash.toString('hex') &&
    listed.firstPrevHash === record.firstPrevHash.toString('hex') &&
    listed.blob === record.sliceBlob &&
    listed.sha256 === record.sliceSha256.toString('hex')
  );
}
