import { Inject, Injectable } from '@nestjs/common';
import type { AuditBreakReason, AuditVerification } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { AuditLogRow } from '../database/schema';
import { canonicalEntryOfRow } from '../entries/stored-entry';
import { canonicalBytes } from '../ledger/canonical-json';
import { leafHash } from '../ledger/merkle-tree';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { ChainStep, ChainStream } from './chain-stream';
import { CheckpointClaim, LATEST_CHECKPOINT_SOURCE, LatestCheckpointSource } from './latest-checkpoint-source';
import { MerkleAccumulator } from './merkle-accumulator';

/** Rows per read: enough to keep round trips rare, few enough to keep memory flat on any log size. */
const PAGE_SIZE = 5_000;

interface FirstBreak {
  sequence: number;
  reason: AuditBreakReason;
}

/**
 * Verifies one log in a single streaming pass in sequence order, page by page, in constant
 * memory: the hash chain (ChainStream), each stored leaf hash against its canonical bytes, each
 * row's columns against its canonical bytes, and the Merkle root of the first treeSize entries
 * (MerkleAccumulator) against the latest signed checkpoint when there is one. The log is read up
 * to its extent at the start; later appends are left for the next verification. A log nothing was
 * appended to is intact with no entries, unless a checkpoint says otherwise.
 */
@Injectable()
export class LogVerificationService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly reader: AuditLogReaderRepository,
    @Inject(LATEST_CHECKPOINT_SOURCE) private readonly checkpoints: LatestCheckpointSource,
  ) {}

  async verify(logId: string): Promise<AuditVerification> {
    const { size, lastSequence } = await withTenant(this.database.db, logId, (tx) => this.reader.extent(tx, logId));
    const checkpoint = await this.checkpoints.latest(logId);
    const chain = new ChainStream<AuditLogRow>();
    const tree = new MerkleAccumulator();
    let checkpointRoot: Buffer | undefined;
    let firstBroken: FirstBreak | undefined;
    const decide = (step: ChainStep<AuditLogRow> | undefined): boolean => {
      if (!step) return true;
      firstBroken = step.broken ?? this.entryBreak(step.entry);
      if (firstBroken) return false;
      tree.add(step.entry.leafHash);
      if (checkpoint && tree.size === checkpoint.treeSize) checkpointRoot = tree.root();
      return true;
    };

    let after = 0;
    const last = Math.max(size, lastSequence);
    reading: while (after < last) {
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.range(tx, logId, after, last, PAGE_SIZE));
      if (page.length === 0) break;
      for (const row of page) if (!decide(chain.push(row))) break reading;
      after = (page[page.length - 1] as AuditLogRow).sequence;
    }
    if (!firstBroken) decide(chain.end());
    // Entries beyond the head were added around the append path; a head beyond the entries lost its tail.
    if (!firstBroken && lastSequence > size) firstBroken = { sequence: size + 1, reason: 'inserted' };
    if (!firstBroken && tree.size < size) firstBroken = { sequence: tree.size + 1, reason: 'truncated' };
    if (!firstBroken && checkpoint && tree.size < checkpoint.treeSize) firstBroken = { sequence: tree.size + 1, reason: 'truncated' };

    const checked = this.checkpointResult(checkpoint, checkpointRoot);
    return {
      logId,
      intact: !firstBroken && (checked?.matches ?? true),
      entriesChecked: tree.size,
      ...(checked ? { checkpoint: checked } : {}),
      ...(firstBroken ? { firstBroken } : {}),
    };
  }

  /** What the chain cannot see: a stored leaf hash that does not hash the entry, or a column that differs from it. */
  private entryBreak(row: AuditLogRow): FirstBreak | undefined {
    if (!leafHash(row.canonical).equals(row.leafHash)) return { sequence: row.sequence, reason: 'leaf-hash-mismatch' };
    let columns: Buffer;
    try {
      columns = canonicalBytes(canonicalEntryOfRow(row));
    } catch {
      return { sequence: row.sequence, reason: 'content-mismatch' };
    }
    return columns.equals(row.canonical) ? undefined : { sequence: row.sequence, reason: 'content-mismatch' };
  }

  private checkpointResult(checkpoint: CheckpointClaim | undefined, root: Buffer | undefined): AuditVerification['checkpoint'] {
    if (!checkpoint) return undefined;
    return {
      treeSize: checkpoint.treeSize,
      rootHash: Buffer.from(checkpoint.rootHash).toString('hex'),
      matches: root !== undefined && root.equals(checkpoint.rootHash),
    };
  }
}
