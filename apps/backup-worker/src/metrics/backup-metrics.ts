import { Inject, Injectable } from '@nestjs/common';
import type { BackupDatabase } from '@comply/contracts';
import type { ServiceMetrics } from '@comply/observability';
import { DATABASE_CLIENT, SERVICE_METRICS } from '@comply/service-runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BackupCatalogRepository, DatabaseFreshness } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';

/** Backups take seconds to hours; drills restore them. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400];

/**
 * backup-worker's metrics. The ages are read from the catalog at each scrape, so they are right on
 * every replica and keep growing while nothing succeeds: alert on them, not on the counters alone.
 */
@Injectable()
export class BackupMetrics {
  private readonly duration: Histogram<'database' | 'outcome'>;
  private readonly bytes: Counter<'database'>;
  private readonly lastSize: Gauge<'database'>;
  private readonly failures: Counter<'database' | 'code'>;
  private readonly restoreDuration: Histogram<'database' | 'outcome'>;
  private readonly verificationFailures: Counter<'database' | 'code'>;
  private readonly expired: Counter<'database'>;

  constructor(
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
    @Inject(DATABASE_CLIENT) database: CatalogDatabase,
    catalog: BackupCatalogRepository,
  ) {
    const registers = [metrics.registry];
    this.duration = new Histogram({ name: 'backup_duration_seconds', help: 'Backup runs from lock to outcome, by database and outcome (completed, failed).', labelNames: ['database', 'outcome'], buckets: DURATION_BUCKETS, registers });
    this.bytes = new Counter({ name: 'backup_written_bytes_total', help: 'Bytes of completed backups written to blob storage (compressed, encrypted).', labelNames: ['database'], registers });
    this.lastSize = new Gauge({ name: 'backup_last_size_bytes', help: 'Size of the newest completed backup of each database written by this process.', labelNames: ['database'], registers });
    this.failures = new Counter({ name: 'backup_failures_total', help: 'Failed backup runs by database and error code.', labelNames: ['database', 'code'], registers });
    this.restoreDuration = new Histogram({
      name: 'backup_restore_drill_duration_seconds',
      help: 'Restore time of drills (download, checksum, decryption, restore), by database and outcome (passed, failed): the recovery time backups give.',
      labelNames: ['database', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.verificationFailures = new Counter({ name: 'backup_verification_failures_total', help: 'Restore drills that failed, by database and error code: each one is an alarm.', labelNames: ['database', 'code'], registers });
    this.expired = new Counter({ name: 'backup_expired_total', help: 'Backups expired by retention.', labelNames: ['database'], registers });
    const ages = (read: (f: DatabaseFreshness) => Date | null) =>
      async function collect(this: Gauge<'database'>) {
        const freshness = await database.db.transaction((tx) => catalog.freshness(tx));
        this.reset();
        for (const entry of freshness) {
          const at = read(entry);
          if (at) this.set({ database: entry.database }, Math.max(0, (Date.now() - at.getTime()) / 1_000));
        }
      };
    new Gauge({
      name: 'backup_last_completed_age_seconds',
      help: 'Age of the newest completed backup of each database (since its start). Absent for a database never backed up.',
      labelNames: ['database'],
      registers,
      collect: ages((f) => f.lastCompletedAt),
    });
    new Gauge({
      name: 'backup_last_verified_age_seconds',
      help: 'Age of the newest backup of each database that passed a restore drill (since its start): how old a restore known to work would be.',
      labelNames: ['database'],
      registers,
      collect: ages((f) => f.lastVerifiedAt),
    });
  }

  completed(database: BackupDatabase, seconds: number, sizeBytes: number): void {
    this.duration.observe({ database, outcome: 'completed' }, seconds);
    this.bytes.inc({ database }, sizeBytes);
    this.lastSize.set({ database }, sizeBytes);
  }

  failed(database: BackupDatabase, code: string, seconds?: number): void {
    if (seconds !== undefined) this.duration.observe({ database, outcome: 'failed' }, seconds);
    this.failures.inc({ database, code });
  }

  verified(database: BackupDatabase, passed: boolean, code: string | undefined, seconds: number | undefined): void {
    if (seconds !== undefined) this.restoreDuration.observe({ database, outcome: passed ? 'passed' : 'failed' }, seconds);
    if (!passed) this.verificationFailures.inc({ database, code: code ?? 'Unknown' });
  }

  expiredOne(database: BackupDatabase): void {
    this.expired.inc({ database });
  }
}
