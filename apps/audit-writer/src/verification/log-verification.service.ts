import { Inject, Injectable } from '@nestjs/common';
import type { AuditBreakReason, AuditVerification } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { AuditLogRow } from '../database/schema';
import { canonicalEntryOfRow } from '../entries/stored-entry';
import { canonicalBytes } from '../ledger/canonical-json';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { leafHash } from '../ledger/merkle-tree';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { ChainStep, ChainStream } from './chain-stream';
import { CheckpointClaim, LATEST_CHECKPOINT_SOURCE, LatestCheckpointSource } from './latest-checkpoint-source';

/** Rows per read: enough to keep round trips rare, few enough to keep memory flat on any log size. */
const PAGE_SIZE = 5_000;
/** Leaf hashes per read when locating a rewrite: 32 bytes each. */
const LEAF_PAGE_SIZE = 50_000;

interface FirstBreak {
  sequence: number;
  reason: AuditBreakReason;
}

/** What each break means, for the response's `detail`. */
const BREAK_DETAIL: Record<AuditBreakReason, string> = {
  'sequence-gap': 'an entry is missing (deleted)',
  'sequence-out-of-order': 'an entry is out of sequence order',
  'hash-mismatch': 'its canonical bytes or its hash were changed',
  'prev-link-mismatch': 'it does not link to the entry before it',
  inserted: 'an entry was inserted before it',
  reordered: 'entries were reordered',
  'leaf-hash-mismatch': 'its leaf hash does not hash its canonical bytes',
  'content-mismatch': 'a column differs from its canonical bytes',
  truncated: 'the log ends before it',
};

/**
 * Verifies one log in a single streaming pass in sequence order, page by page, in constant
 * memory: the hash chain (ChainStream), each stored leaf hash against its canonical bytes, each
 * row's columns against its canonical bytes, and the Merkle root of the first treeSize entries
 * (MerkleAccumulator) against the latest signed checkpoint when there is one. The log is read up
 * to its extent at the start; later appends are left for the next verification. A log nothing was
 * appended to is intact with no entries, unless a checkpoint says otherwise.
 *
 * What the chain cannot see, the checkpoint does: a tail cut off with the head set back
 * (`truncated` at the first missing entry), and a log rewritten consistently (every hash
 * recomputed), whose root no longer matches. Which entry such a rewrite began at cannot be read
 * off a root; the older checkpoints bound it (`lastMatchingTreeSize`).
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
    let detail = firstBroken && `Entry ${firstBroken.sequence} is the first that does not fit: ${BREAK_DETAIL[firstBroken.reason]}.`;
    // Entries beyond the head were added around the append path; a head beyond the entries lost its tail.
    if (!firstBroken && lastSequence > size) {
      firstBroken = { sequence: size + 1, reason: 'inserted' };
      detail = `The log's head says ${size} entries, but entries up to ${lastSequence} are stored: entries were added around the append path.`;
    }
    if (!firstBroken && tree.size < size) {
      firstBroken = { sequence: tree.size + 1, reason: 'truncated' };
      detail = `The log's head says ${size} entries, but only ${tree.size} are stored: entries ${tree.size + 1} to ${size} are missing.`;
    }
    if (!firstBroken && checkpoint && tree.size < checkpoint.treeSize) {
      firstBroken = { sequence: tree.size + 1, reason: 'truncated' };
      detail =
        `The log has ${tree.size} entries, but the checkpoint signed at ${checkpoint.time.toISOString()} says ${checkpoint.treeSize}: ` +
        `entries ${tree.size + 1} to ${checkpoint.treeSize} were removed (and the head set back).`;
    }

    const checked = this.checkpointResult(checkpoint, checkpointRoot);
    if (checked && !checked.matches && !firstBroken && checkpoint) {
      checked.lastMatchingTreeSize = await this.lastMatchingTreeSize(logId, checkpoint.treeSize);
      detail =
        `Every entry chains and hashes, but the Merkle root of entries 1 to ${checkpoint.treeSize} is not the root signed at ${checkpoint.time.toISOString()}: ` +
        `the log was rewritten consistently, from an entry after ${checked.lastMatchingTreeSize} (the last checkpoint that still matches) up to ${checkpoint.treeSize}. ` +
        'The roots cannot tell which entry; compare with an export or entries you hold.';
    }
    const intact = !firstBroken && (checked?.matches ?? true);
    return {
      logId,
      intact,
      entriesChecked: tree.size,
      ...(checked ? { checkpoint: checked } : {}),
      ...(firstBroken ? { firstBroken } : {}),
      ...(!intact && detail ? { detail } : {}),
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
      time: checkpoint.time.toISOString(),
      matches: root !== undefined && root.equals(checkpoint.rootHash),
    };
  }

  /**
   * The largest size of an older checkpoint whose root the stored entries still produce (0: none).
   * A rewrite from entry r on leaves every checkpoint below r matching and none from r on, so the
   * roots at the older sizes are taken in one pass over the leaf hashes and the boundary bisected,
   * opening O(log n) checkpoints.
   */
  private async lastMatchingTreeSize(logId: string, belowSize: number): Promise<number> {
    const sizes = (await this.checkpoints.sizes(logId)).filter((treeSize) => treeSize < belowSize);
    if (sizes.length === 0) return 0;
    const roots = new Map<number, Buffer>();
    const tree = new MerkleAccumulator();
    const largest = sizes[sizes.length - 1] as number;
    let next = 0;
    while (tree.size < largest) {
      const after = tree.size;
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.leafHashes(tx, logId, after, largest, LEAF_PAGE_SIZE));
      if (page.length === 0) break;
      for (const row of page) {
        tree.add(row.leafHash);
        while (next < sizes.length && sizes[next] === tree.size) roots.set(sizes[next++] as number, tree.root());
      }
    }
    const matches = async (index: number) => {
      const treeSize = sizes[index] as number;
      const claim = await this.checkpoints.at(logId, treeSize);
      return claim !== undefined && roots.get(treeSize)?.equals(claim.rootHash) === true;
    };
    // Invariant: sizes[low] matches (or low = -1); sizes[high] does not (or high = sizes.length).
    let low = -1;
    let high = sizes.length;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await matches(middle)) low = middle;
      else high = middle;
    }
    return low < 0 ? 0 : (sizes[low] as number);
  }
}
