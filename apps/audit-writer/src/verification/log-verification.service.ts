import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AuditBreakReason, AuditVerification } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { AuditLogRow } from '../database/schema';
import { canonicalBytesOfRow } from '../entries/stored-entry';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { leafHash } from '../ledger/merkle-tree';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { ARCHIVE_MANIFEST_SOURCE, ArchiveManifestSource } from './archive-manifest-source';
import { ArchivedBoundary, ArchivedBoundaryRepository } from './archived-boundary.repository';
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
    private readonly boundaries: ArchivedBoundaryRepository,
    // The manifest source comes from the archival module, which itself verifies through this service.
    private readonly modules: ModuleRef,
  ) {}

  async verify(logId: string): Promise<AuditVerification> {
    const { size, lastSequence: lastLive } = await withTenant(this.database.db, logId, (tx) => this.reader.extent(tx, logId));
    const archived = await withTenant(this.database.db, logId, (tx) => this.boundaries.of(tx, logId));
    const lastSequence = Math.max(lastLive, archived?.sequence ?? 0);
    const checkpoint = await this.checkpoints.latest(logId);
    const chain = new ChainStream<AuditLogRow>(archived);
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

    // Archived entries are in their archive blobs (GET /v1/audit/archives/:partition/verify checks
    // them there); their leaf hashes were kept, so the tree, and the checkpoint, still cover them.
    if (archived) {
      const mismatch = await this.manifestMismatch(logId, archived);
      if (mismatch) {
        return { logId, intact: false, entriesChecked: 0, archivedThrough: archived.sequence, firstBroken: { sequence: archived.sequence + 1, reason: 'prev-link-mismatch' }, detail: mismatch };
      }
      const gap = await this.addArchivedLeaves(logId, archived.sequence, tree, (treeSize, root) => {
        if (checkpoint && treeSize === checkpoint.treeSize) checkpointRoot = root();
      });
      if (gap !== undefined) firstBroken = { sequence: gap, reason: 'sequence-gap' };
    }
    let after = archived?.sequence ?? 0;
    const last = Math.max(size, lastSequence);
    reading: while (!firstBroken && after < last) {
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.range(tx, logId, after, last, PAGE_SIZE));
      if (page.length === 0) break;
      for (const row of page) if (!decide(chain.push(row))) break reading;
      after = (page[page.length - 1] as AuditLogRow).sequence;
    }
    if (!firstBroken) decide(chain.end());
    let detail = firstBroken && `Entry ${firstBroken.sequence} is the first that does not fit: ${BREAK_DETAIL[firstBroken.reason]}.`;
    if (archived && firstBroken?.sequence === archived.sequence + 1 && firstBroken.reason === 'prev-link-mismatch') {
      detail = `Entry ${firstBroken.sequence}, the first live one, does not link to the last archived entry ${archived.sequence} (partition ${archived.partition}).`;
    }
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
      ...(archived ? { archivedThrough: archived.sequence } : {}),
      ...(checked ? { checkpoint: checked } : {}),
      ...(firstBroken ? { firstBroken } : {}),
      ...(!intact && detail ? { detail } : {}),
    };
  }

  /** Why the database's record of the archived boundary is not what the stored manifest says, if it is not. */
  private async manifestMismatch(logId: string, archived: ArchivedBoundary): Promise<string | undefined> {
    const manifests = this.modules.get<symbol, ArchiveManifestSource>(ARCHIVE_MANIFEST_SOURCE, { strict: false });
    const listed = await manifests.lastArchived(archived.partition, logId);
    if (listed?.sequence === archived.sequence && listed.hash.equals(archived.hash)) return undefined;
    return `The archive record says entries up to ${archived.sequence} were archived in ${archived.partition}, ending with hash ${archived.hash.toString('hex')}, but its manifest in blob storage ${
      listed ? `says ${listed.sequence} and ${listed.hash.toString('hex')}` : 'is missing or does not list this log'
    }: verify the archive (GET /v1/audit/archives/${archived.partition}/verify).`;
  }

  /**
   * Adds the kept leaf hashes of archived entries 1..through to the tree; answers the first
   * missing sequence, if one is.
   */
  private async addArchivedLeaves(logId: string, through: number, tree: MerkleAccumulator, reached: (treeSize: number, root: () => Buffer) => void): Promise<number | undefined> {
    while (tree.size < through) {
      const after = tree.size;
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.leafHashes(tx, logId, after, through, LEAF_PAGE_SIZE));
      if (page.length === 0) return tree.size + 1;
      for (const row of page) {
        if (row.sequence !== tree.size + 1) return tree.size + 1;
        tree.add(row.leafHash);
        reached(tree.size, () => tree.root());
      }
    }
    return undefined;
  }

  /** What the chain cannot see: a stored leaf hash that does not hash the entry, or a column that differs from it. */
  private entryBreak(row: AuditLogRow): FirstBreak | undefined {
    if (!leafHash(row.canonical).equals(row.leafHash)) return { sequence: row.sequence, reason: 'leaf-hash-mismatch' };
    let columns: Buffer;
    try {
      columns = canonicalBytesOfRow(row);
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
