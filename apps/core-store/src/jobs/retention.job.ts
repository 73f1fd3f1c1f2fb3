import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Cache } from '@comply/cache';
import type { RecordDeletionReason, TenantStatus } from '@comply/contracts';
import { addAllToOutbox, AuditActor, auditEvent, OutgoingEvent } from '@comply/messaging';
import type { Logger, ServiceMetrics } from '@comply/observability';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, PeriodicTask, SERVICE_CONFIG, SERVICE_METRICS } from '@comply/service-runtime';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { recordCacheKey } from '../cache/record-cache-key';
import { RECORD_CACHE } from '../cache/record-cache.module';
import { CoreStoreConfig } from '../core-store-settings';
import { CoreDatabase, CoreTransaction } from '../database/core-database';
import { TenantsRepository } from '../tenants/tenants.repository';
import { AdvisoryLockRepository } from './advisory-lock.repository';
import { previousMonthStart } from './partition-window';
import { RetentionRepository } from './retention.repository';
import { StoragePartitionsRepository } from './storage-partitions.repository';

const LOCK = 'core-store:retention';
const RETENTION_ACTOR: AuditActor = { type: 'system', id: 'retention' };
/** After start, once the service has settled; then every RETENTION_INTERVAL_MS. */
const FIRST_RUN_DELAY_MS = 30_000;

export type RetentionReason = Exclude<RecordDeletionReason, 'request'>;

export interface RetentionResult {
  /** Another replica held the lock: this run did nothing. */
  skipped: boolean;
  /** Records deleted, by the reason record.deleted.v1 gave. */
  deleted: Record<RetentionReason, number>;
  /** Emptied monthly partitions of storage_records this run dropped. */
  partitionsDropped: string[];
  /** Tenants whose deletions failed this run (logged); the next run takes them up again. */
  failedTenants: string[];
}

interface Sweep {
  reason: RetentionReason;
  /** Tenants visited, by status. */
  statuses: readonly TenantStatus[];
  /** Audit action of each batch. */
  action: string;
}

/** Who retention visits, and what it deletes of each. */
const SWEEPS: readonly Sweep[] = [
  // Records past their tenant's retention period (expires_at was set at ingest).
  { reason: 'retention', statuses: ['active', 'suspended'], action: 'record.expire' },
  // Everything an erased tenant left; its tenants and tenant_configs rows stay as the tombstone.
  { reason: 'tenant_erasure', statuses: ['erased'], action: 'record.erase' },
];

/**
 * Deletes what retention says must go, tenant by tenant in batches of RETENTION_BATCH_SIZE: each
 * batch is one transaction in the tenant's context that deletes the records and writes one
 * record.deleted.v1 per record plus one audit.event.v1 for the batch, so the events exist if and
 * only if the deletion committed. Then the idempotency ledger rows that expired with them, and
 * finally the past monthly partitions left empty. One replica at a time (advisory lock).
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly schedule: PeriodicTask;
  private readonly deletedTotal: Counter<'reason'>;
  private shuttingDown = false;

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: CoreStoreConfig,
    @Inject(RECORD_CACHE) private readonly cache: Cache,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tenants: TenantsRepository,
    private readonly locks: AdvisoryLockRepository,
    private readonly retention: RetentionRepository,
    private readonly partitions: StoragePartitionsRepository,
  ) {
    this.schedule = new PeriodicTask({ name: 'retention', intervalMs: config.RETENTION_INTERVAL_MS, run: () => this.runOnce(), logger });
    this.deletedTotal = new Counter({
      name: 'core_records_expired_total',
      help: 'Records the retention job deleted, by reason (retention, tenant_erasure).',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.schedule.start(Math.min(FIRST_RUN_DELAY_MS, this.config.RETENTION_INTERVAL_MS));
  }

  async onModuleDestroy(): Promise<void> {
    // A run in progress ends after its current batch instead of working through every tenant.
    this.shuttingDown = true;
    await this.stop();
  }

  /** Ends the schedule, waiting for a run in progress; runOnce still works when called directly. */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass over every tenant; `now` is the instant records must have expired by. */
  async runOnce(now = new Date()): Promise<RetentionResult> {
    const correlationId = randomUUID();
    const deleted: Record<RetentionReason, number> = { retention: 0, tenant_erasure: 0 };
    const failedTenants: string[] = [];
    const run = await this.locks.withLock(LOCK, async (lockTx) => {
      for (const sweep of SWEEPS) {
        for (const tenantId of await this.tenants.idsWithStatus(lockTx, sweep.statuses)) {
          if (this.shuttingDown) return [];
          try {
            await this.sweepTenant(tenantId, sweep, now, correlationId, deleted);
          } catch (error) {
            failedTenants.push(tenantId);
            this.logger.error({ err: error, tenantId, reason: sweep.reason, correlationId }, 'retention failed for a tenant');
          }
        }
      }
      return this.dropEmptyPartitions(lockTx, now);
    });
    if (!run.acquired) return { skipped: true, deleted, partitionsDropped: [], failedTenants };
    const result = { skipped: false, deleted, partitionsDropped: run.value, failedTenants };
    const changed = deleted.retention + deleted.tenant_erasure + run.value.length > 0;
    this.logger[changed ? 'info' : 'debug']({ ...result, correlationId }, 'retention run finished');
    return result;
  }

  /** Adds the records it deletes to `deleted` batch by batch, so a later failure does not hide the committed ones. */
  private async sweepTenant(tenantId: string, sweep: Sweep, now: Date, correlationId: string, deleted: Record<RetentionReason, number>): Promise<void> {
    const erasure = sweep.reason === 'tenant_erasure';
    // An erased tenant loses everything; otherwise only what expired.
    const expiredBy = erasure ? undefined : now;
    await this.deleteRecords(tenantId, sweep, expiredBy, correlationId, deleted);
    if (this.shuttingDown) return;
    await this.deleteLedgerRows(tenantId, expiredBy);
    if (erasure && !this.shuttingDown) {
      await withTenant(this.database.db, tenantId, (tx) => this.retention.deleteUsage(tx, tenantId));
    }
  }

  private async deleteRecords(
    tenantId: string,
    sweep: Sweep,
    expiredBy: Date | undefined,
    correlationId: string,
    deleted: Record<RetentionReason, number>,
  ): Promise<void> {
    const batchSize = this.config.RETENTION_BATCH_SIZE;
    for (;;) {
      const ids = await withTenant(this.database.db, tenantId, async (tx) => {
        const recordIds = await this.retention.deleteRecords(tx, tenantId, expiredBy, batchSize);
        if (recordIds.length > 0) await addAllToOutbox(tx, this.deletionEvents(tenantId, recordIds, sweep, correlationId));
        return recordIds;
      });
      deleted[sweep.reason] += ids.length;
      if (ids.length > 0) {
        this.deletedTotal.inc({ reason: sweep.reason }, ids.length);
        await this.forgetCached(tenantId, ids);
      }
      if (ids.length < batchSize || this.shuttingDown) return;
    }
  }

  private deletionEvents(tenantId: string, recordIds: string[], sweep: Sweep, correlationId: string): OutgoingEvent[] {
    const deletedAt = new Date();
    const deletions: OutgoingEvent<'record.deleted.v1'>[] = recordIds.map((recordId) => ({
      type: 'record.deleted.v1',
      payload: { tenantId, recordId, reason: sweep.reason, deletedAt: deletedAt.toISOString() },
      tenantId,
      correlationId,
    }));
    const audit = auditEvent(
      { actor: RETENTION_ACTOR, action: sweep.action, resource: { type: 'record' }, tenantId, correlationId, details: { count: recordIds.length } },
      deletedAt,
    );
    return [...deletions, audit];
  }

  /** The idempotency ledger rows of deleted records, once they expired too (all of them for an erased tenant). */
  private async deleteLedgerRows(tenantId: string, expiredBy: Date | undefined): Promise<void> {
    const batchSize = this.config.RETENTION_BATCH_SIZE;
    for (;;) {
      const deleted = await withTenant(this.database.db, tenantId, (tx) => this.retention.deleteLedgerRows(tx, tenantId, expiredBy, batchSize));
      if (deleted < batchSize || this.shuttingDown) return;
    }
  }

  /** After the commit: evicted any earlier, a reader could cache the row again while it was still visible. */
  private async forgetCached(tenantId: string, recordIds: string[]): Promise<void> {
    try {
      await this.cache.delete(...recordIds.map((id) => recordCacheKey(tenantId, id)));
    } catch (error) {
      this.logger.warn({ err: error, tenantId, records: recordIds.length }, 'could not evict deleted records from the cache; they expire with its TTL');
    }
  }

  /** A failure (a lock timeout) costs this step only: the lock's transaction stays usable. */
  private async dropEmptyPartitions(lockTx: CoreTransaction, now: Date): Promise<string[]> {
    try {
      return await this.partitions.dropEmptyBefore(lockTx, previousMonthStart(now));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not drop empty storage_records partitions; the next run tries again');
      return [];
    }
  }
}
