import { Inject, Injectable } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@comply/observability';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, SERVICE_METRICS } from '@comply/service-runtime';
import { Counter } from 'prom-client';
import { AuditDatabase } from '../database/audit-database';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { Checkpoint, InvalidCheckpointError } from './checkpoint-note';
import { CheckpointStateRepository } from './checkpoint-state.repository';
import { CheckpointConflictError, CheckpointStore } from './checkpoint-store';
import { CheckpointService } from './checkpoint.service';

/** Leaf hashes per read while checking that a log extends its last checkpoint. */
const PAGE_SIZE = 50_000;

/** A log's current checkpoint, as stored. */
export interface IssuedCheckpoint extends Checkpoint {
  note: string;
  /** Signed and stored by this call; false: the log had not grown since this stored one. */
  created: boolean;
}

/**
 * The log's state does not extend its last checkpoint (it was truncated or rewritten, or the
 * stored checkpoint state was changed): nothing is signed, so the tampering is not covered by a
 * newer checkpoint, and the alarm is raised.
 */
export class CheckpointRefusedError extends Error {
  constructor(
    readonly logId: string,
    readonly reason: string,
  ) {
    super(`audit log ${logId}: no checkpoint signed: ${reason}`);
    this.name = 'CheckpointRefusedError';
  }
}

/**
 * Signs and stores checkpoints. A log gets one only when it grew since its last: the root comes
 * from the log's Merkle frontier (no entries read), the time from the database clock. Before
 * signing, the entries appended since the last checkpoint are read (their leaf hashes only) and
 * must extend that checkpoint's signed tree to exactly the frontier being signed, so a truncated
 * or rewritten log is refused rather than covered by a fresh signature.
 */
@Injectable()
export class CheckpointIssuer {
  private readonly refusals: Counter;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    private readonly state: CheckpointStateRepository,
    private readonly reader: AuditLogReaderRepository,
    private readonly signer: CheckpointService,
    private readonly store: CheckpointStore,
  ) {
    this.refusals = new Counter({
      name: 'audit_checkpoint_refusals_total',
      help: 'Checkpoints not signed because the log does not extend its last checkpoint (truncated, rewritten or forked): each one is an alarm.',
      registers: [metrics.registry],
    });
  }

  /** Logs that grew since their last checkpoint. */
  logsToCheckpoint(): Promise<string[]> {
    return this.database.db.transaction((tx) => this.state.logsToCheckpoint(tx));
  }

  /** Logs with entries. */
  logsWithEntries(): Promise<string[]> {
    return this.database.db.transaction((tx) => this.state.logsWithEntries(tx));
  }

  /** The log's checkpoint at its current size, signed now unless one is stored; undefined for a log without entries. */
  async issue(logId: string): Promise<IssuedCheckpoint | undefined> {
    try {
      return await this.issueChecked(logId);
    } catch (error) {
      const refusal =
        error instanceof CheckpointConflictError
          ? new CheckpointRefusedError(logId, `a different tree of size ${error.size} is already signed (${error.blobName})`)
          : error;
      if (refusal instanceof CheckpointRefusedError) {
        this.refusals.inc();
        this.logger.error({ logId, reason: refusal.reason }, 'audit checkpoint refused: the log does not extend its last checkpoint; it may have been truncated or rewritten');
      }
      throw refusal;
    }
  }

  private async issueChecked(logId: string): Promise<IssuedCheckpoint | undefined> {
    const state = await withTenant(this.database.db, logId, (tx) => this.state.state(tx, logId));
    if (!state || state.size === 0) return undefined;
    const refuse = (reason: string) => new CheckpointRefusedError(logId, reason);
    if (!state.frontier) throw refuse('its Merkle frontier has not been computed from its entries (see the frontier backfill error)');
    if (state.size < state.checkpointSize) {
      throw refuse(`it has ${state.size} entries, but its last checkpoint covers ${state.checkpointSize}`);
    }
    const tree = MerkleAccumulator.fromFrontier(state.size, state.frontier);

    if (state.size === state.checkpointSize) {
      const stored = await this.store.atSize(logId, state.size);
      if (stored) {
        const signed = this.openStored(logId, stored.note);
        if (!signed.rootHash.equals(tree.root())) throw refuse(`its root at size ${state.size} is not the one its checkpoint signed`);
        return { ...signed, note: stored.note, created: false };
      }
    }

    await this.checkExtends(logId, state.checkpointSize, state.checkpointFrontier, state.size, state.frontier);
    const note = this.signer.sign(logId, state.size, tree.root(), state.now);
    const saved = await this.store.save(note);
    const stored = saved.created ? note : saved.existing;
    await withTenant(this.database.db, logId, (tx) => this.state.recordCheckpoint(tx, logId, state.size, state.frontier as Buffer));
    return { ...this.signer.open(stored), note: stored, created: saved.created };
  }

  /**
   * The signed tree at `fromSize` (its frontier checked against the stored checkpoint's root),
   * extended by the stored leaf hashes fromSize+1..toSize, must have exactly `frontier`.
   */
  private async checkExtends(logId: string, fromSize: number, fromFrontier: Buffer, toSize: number, frontier: Buffer): Promise<void> {
    const refuse = (reason: string) => new CheckpointRefusedError(logId, reason);
    const tree = MerkleAccumulator.fromFrontier(fromSize, fromFrontier);
    if (fromSize > 0) {
      const stored = await this.store.atSize(logId, fromSize);
      if (!stored) throw refuse(`its last checkpoint (size ${fromSize}) is not in blob storage`);
      if (!this.openStored(logId, stored.note).rootHash.equals(tree.root())) {
        throw refuse(`the recorded state of its last checkpoint (size ${fromSize}) does not match the signed root`);
      }
    }
    while (tree.size < toSize) {
      const after = tree.size;
      const page = await withTenant(this.database.db, logId, (tx) => this.reader.leafHashes(tx, logId, after, toSize, PAGE_SIZE));
      for (const row of page) {
        if (row.sequence !== tree.size + 1) throw refuse(`entry ${tree.size + 1} is missing or out of place`);
        tree.add(row.leafHash);
      }
      if (page.length === 0) throw refuse(`entry ${tree.size + 1} is missing`);
    }
    if (!tree.frontier().equals(frontier)) {
      throw refuse(`its entries ${fromSize + 1}..${toSize} do not extend the checkpoint of size ${fromSize} to the log's recorded Merkle state`);
    }
  }

  private openStored(logId: string, note: string): Checkpoint {
    try {
      return this.signer.open(note);
    } catch (error) {
      if (error instanceof InvalidCheckpointError) throw new CheckpointRefusedError(logId, `its stored checkpoint does not verify: ${error.reason}`);
      throw error;
    }
  }
}
