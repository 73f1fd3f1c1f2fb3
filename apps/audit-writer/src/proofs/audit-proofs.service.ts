import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConsistencyProofResponse, InclusionProofResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, invalidRequest } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { consistencyProof, inclusionProof, leafHash } from '../ledger/merkle-tree';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { ARCHIVED_ENTRY_SOURCE, ArchivedEntrySource } from './archived-entry-source';

/** Leaf hashes per read. */
const PAGE_SIZE = 50_000;

/**
 * RFC 6962 proofs over a log's stored leaf hashes. A proof is computed from all leaf hashes of
 * the tree, read page by page in sequence order: 32 bytes per entry, so 32 MB for a
 * 1,000,000-entry log, and time linear in the tree size. Cached subtree roots would make it
 * O(log n) if proofs of very large logs become frequent.
 */
@Injectable()
export class AuditProofsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly reader: AuditLogReaderRepository,
    private readonly modules: ModuleRef,
  ) {}

  async inclusion(logId: string, sequence: number, requestedTreeSize: number | undefined): Promise<InclusionProofResponse> {
    const size = await this.size(logId);
    const treeSize = requestedTreeSize ?? size;
    if (treeSize > size) throw new NotFoundException(`treeSize ${treeSize} is beyond the log's ${size} entries`);
    if (sequence > treeSize) throw new NotFoundException(`sequence ${sequence} is beyond the tree of ${treeSize} entries`);
    const entry = await withTenant(this.database.db, logId, (tx) => this.reader.entry(tx, logId, sequence));
    const canonical = entry?.canonical ?? (await this.archivedEntries()?.canonical(logId, sequence));
    if (!canonical) throw new NotFoundException(`No entry ${sequence} in this log`);
    const leaves = await this.leafHashes(logId, treeSize);
    const leaf = entry?.leafHash ?? leafHash(canonical);
    // An archived entry comes from its blob: it must be the entry whose leaf hash was kept.
    if (!entry && !leaf.equals(leaves[sequence - 1] as Buffer)) {
      throw new ConflictException(`Archived entry ${sequence} in its archive blob is not the entry whose leaf hash was kept: verify the archive`);
    }
    return {
      logId,
      sequence,
      treeSize,
      canonical: canonical.toString('base64'),
      leafHash: leaf.toString('hex'),
      path: inclusionProof(leaves, sequence - 1).map((hash) => hash.toString('hex')),
    };
  }

  async consistency(logId: string, oldSize: number, newSize: number): Promise<ConsistencyProofResponse> {
    if (oldSize > newSize) throw invalidRequest('query', [{ path: 'from', message: 'Must not be greater than `to`' }]);
    const size = await this.size(logId);
    if (newSize > size) throw new NotFoundException(`to ${newSize} is beyond the log's ${size} entries`);
    const leaves = await this.leafHashes(logId, newSize);
    return { logId, oldSize, newSize, path: consistencyProof(leaves, oldSize).map((hash) => hash.toString('hex')) };
  }

  /** The archival module's, when the application has it: without it, archived entries have no canonical bytes to prove. */
  private archivedEntries(): ArchivedEntrySource | undefined {
    try {
      return this.modules.get<symbol, ArchivedEntrySource>(ARCHIVED_ENTRY_SOURCE, { strict: false });
    } catch {
      return undefined;
    }
  }

  private async size(logId: string): Promise<number> {
    return (await withTenant(this.database.db, logId, (tx) => this.reader.size(tx, logId))) ?? 0;
  }

  /** The first `treeSize` leaf hashes; a gap in the stored sequence makes a proof impossible. */
  private async leafHashes(logId: string, treeSize: number): Promise<Buffer[]> {
    const leaves: Buffer[] = [];
    while (leaves.length < treeSize) {
      const after = leaves.length;
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.leafHashes(tx, logId, after, treeSize, PAGE_SIZE));
      for (const row of page) {
        if (row.sequence !== leaves.length + 1) throw new BadRequestException(`The log is broken at entry ${leaves.length + 1}: verify it`);
        leaves.push(row.leafHash);
      }
      if (page.length === 0) throw new BadRequestException(`The log is broken at entry ${leaves.length + 1}: verify it`);
    }
    return leaves;
  }
}
