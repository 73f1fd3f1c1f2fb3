import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER } from '@comply/service-runtime';
import { AuditDatabase, AuditTransaction } from '../database/audit-database';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { AuditAppendRepository } from './audit-append.repository';

/** Leaf hashes per read: 32 bytes each. */
const PAGE_SIZE = 50_000;

/**
 * Gives every log its Merkle frontier. Logs appended to before audit_logs.frontier existed have
 * none: it is computed once from their stored leaf hashes, for all such logs at start and, should
 * one still lack it, by its next append (AuditCaptureService), each under the log's head lock.
 */
@Injectable()
export class FrontierBackfill implements OnApplicationBootstrap {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly heads: AuditAppendRepository,
    private readonly reader: AuditLogReaderRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.backfillAll();
  }

  /** Computes the missing frontiers; returns the logs that got one. A log that cannot is logged and left for its next append. */
  async backfillAll(): Promise<string[]> {
    const logs = await this.database.db.transaction((tx) => this.heads.logsWithoutFrontier(tx));
    const done: string[] = [];
    for (const logId of logs) {
      try {
        await this.database.db.transaction(async (tx) => {
          const head = await this.heads.lockHead(tx, logId);
          if (head.frontier) return;
          await this.heads.backfillFrontier(tx, logId, (await this.fromLeaves(tx, logId, head.size)).frontier());
        });
        done.push(logId);
      } catch (error) {
        this.logger.error({ err: error, logId }, 'audit log frontier backfill failed');
      }
    }
    if (done.length > 0) this.logger.info({ logs: done.length }, 'computed the Merkle frontier of audit logs appended to before it was kept');
    return done;
  }

  /**
   * The tree of the log's first `size` stored leaf hashes, read in the caller's transaction (in the
   * log's context, its head locked). Refuses a log whose entries do not run 1..size: its root
   * cannot be known, and verification will say where it breaks.
   */
  async fromLeaves(tx: AuditTransaction, logId: string, size: number): Promise<MerkleAccumulator> {
    const tree = new MerkleAccumulator();
    while (tree.size < size) {
      const page = await this.reader.leafHashes(tx, logId, tree.size, size, PAGE_SIZE);
      for (const row of page) {
        if (row.sequence !== tree.size + 1) break;
        tree.add(row.leafHash);
      }
      if (page.length === 0 || page[page.length - 1]?.sequence !== tree.size) {
        throw new Error(`audit log ${logId}: entry ${tree.size + 1} of ${size} is missing, so its Merkle frontier cannot be computed; verify the log`);
      }
    }
    return tree;
  }
}
