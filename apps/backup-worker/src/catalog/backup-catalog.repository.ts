import { Injectable } from '@nestjs/common';
import type { BackupDatabase } from '@comply/contracts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { CatalogTransaction } from '../database/backup-database';
import { backupRuns, BackupRunRow, BackupRunStatus, backupVerifications, BackupVerificationRow } from '../database/schema';

export type NewBackupRun = Pick<BackupRunRow, 'id' | 'database' | 'trigger' | 'startedAt' | 'blobContainer' | 'blobName' | 'host'>;
export type CompletedBackup = Pick<BackupRunRow, 'snapshotAt' | 'coversTransactionsBefore' | 'sizeBytes' | 'checksum' | 'manifest'>;
export type NewVerification = typeof backupVerifications.$inferInsert;
export type VerificationSummary = Pick<BackupVerificationRow, 'id' | 'runId' | 'status' | 'completedAt'>;

export interface RunFilter {
  database?: BackupDatabase;
  status?: BackupRunStatus;
  limit: number;
}

/** Per database: when its newest completed backup, and its newest backup that passed a drill, were taken. */
export interface DatabaseFreshness {
  database: BackupDatabase;
  lastCompletedAt: Date | null;
  lastVerifiedAt: Date | null;
}

/** The catalog of backup runs and restore drills in the `backup` database. */
@Injectable()
export class BackupCatalogRepository {
  /** Marks the runs of `database` still `running` failed: under the database's lock, nobody is running them. */
  async abandonRunning(tx: CatalogTransaction, database: BackupDatabase, message: string): Promise<BackupRunRow[]> {
    return tx
      .update(backupRuns)
      .set({ status: 'failed', completedAt: sql`now()`, errorCode: 'Abandoned', errorMessage: message })
      .where(and(eq(backupRuns.database, database), eq(backupRuns.status, 'running')))
      .returning();
  }

  async insertRun(tx: CatalogTransaction, run: NewBackupRun): Promise<BackupRunRow> {
    const [row] = await tx
      .insert(backupRuns)
      .values({ ...run, status: 'running' })
      .returning();
    return row;
  }

  /** Running → completed; undefined when the run is no longer running (abandoned by another worker meanwhile). */
  async completeRun(tx: CatalogTransaction, id: string, backup: CompletedBackup): Promise<BackupRunRow | undefined> {
    const [row] = await tx
      .update(backupRuns)
      .set({ ...backup, status: 'completed', completedAt: sql`now()` })
      .where(and(eq(backupRuns.id, id), eq(backupRuns.status, 'running')))
      .returning();
    return row;
  }

  /** Running → failed; undefined when the run is no longer running. */
  async failRun(tx: CatalogTransaction, id: string, code: string, message: string): Promise<BackupRunRow | undefined> {
    const [row] = await tx
      .update(backupRuns)
      .set({ status: 'failed', completedAt: sql`now()`, errorCode: code, errorMessage: message })
      .where(and(eq(backupRuns.id, id), eq(backupRuns.status, 'running')))
      .returning();
    return row;
  }

  async run(tx: CatalogTransaction, id: string): Promise<BackupRunRow | undefined> {
    const [row] = await tx.select().from(backupRuns).where(eq(backupRuns.id, id));
    return row;
  }

  /** Newest first. */
  async runs(tx: CatalogTransaction, filter: RunFilter): Promise<BackupRunRow[]> {
    const conditions = [
      filter.database === undefined ? undefined : eq(backupRuns.database, filter.database),
      filter.status === undefined ? undefined : eq(backupRuns.status, filter.status),
    ];
    return tx
      .select()
      .from(backupRuns)
      .where(and(...conditions))
      .orderBy(desc(backupRuns.startedAt), desc(backupRuns.id))
      .limit(filter.limit);
  }

  /** The newest completed run of `database`. */
  async latestCompleted(tx: CatalogTransaction, database: BackupDatabase): Promise<BackupRunRow | undefined> {
    const [row] = await this.runs(tx, { database, status: 'completed', limit: 1 });
    return row;
  }

  /** When the newest run of each database started, for schedules that resume after a restart. */
  async lastStarts(tx: CatalogTransaction): Promise<Map<string, Date>> {
    const rows = await tx
      .select({ database: backupRuns.database, startedAt: sql<Date>`max(${backupRuns.startedAt})`.mapWith(backupRuns.startedAt) })
      .from(backupRuns)
      .groupBy(backupRuns.database);
    return new Map(rows.map((row) => [row.database, row.startedAt]));
  }

  /** The newest drill of each run. */
  async latestVerifications(tx: CatalogTransaction, runIds: string[]): Promise<Map<string, VerificationSummary>> {
    if (runIds.length === 0) return new Map();
    const rows = await tx
      .selectDistinctOn([backupVerifications.runId], {
        id: backupVerifications.id,
        runId: backupVerifications.runId,
        status: backupVerifications.status,
        completedAt: backupVerifications.completedAt,
      })
      .from(backupVerifications)
      .where(inArray(backupVerifications.runId, runIds))
      .orderBy(backupVerifications.runId, desc(backupVerifications.completedAt));
    return new Map(rows.map((row) => [row.runId, row]));
  }

  async insertVerification(tx: CatalogTransaction, verification: NewVerification): Promise<BackupVerificationRow> {
    const [row] = await tx.insert(backupVerifications).values(verification).returning();
    return row;
  }

  /** Newest first. */
  async verifications(tx: CatalogTransaction, runId: string): Promise<BackupVerificationRow[]> {
    return tx.select().from(backupVerifications).where(eq(backupVerifications.runId, runId)).orderBy(desc(backupVerifications.completedAt));
  }

  /** Per database, its newest completed run, when no drill has looked at it yet. */
  async awaitingVerification(tx: CatalogTransaction): Promise<BackupRunRow[]> {
    const newest = await tx.execute<{ id: string }>(sql`
      select n.id from (select distinct on (r.database) r.id from ${backupRuns} r where r.status = 'completed' order by r.database, r.started_at desc) n
       where not exists (select 1 from ${backupVerifications} v where v.run_id = n.id)`);
    const ids = newest.rows.map((row) => row.id);
    return ids.length === 0 ? [] : tx.select().from(backupRuns).where(inArray(backupRuns.id, ids)).orderBy(backupRuns.database);
  }

  async freshness(tx: CatalogTransaction): Promise<DatabaseFreshness[]> {
    const result = await tx.execute<{ database: BackupDatabase; last_completed_at: string | null; last_verified_at: string | null }>(sql`
      select r.database,
             max(r.started_at) filter (where r.status = 'completed') as last_completed_at,
             max(r.started_at) filter (where r.status = 'completed' and exists (
               select 1 from ${backupVerifications} v where v.run_id = r.id and v.status = 'passed')) as last_verified_at
        from ${backupRuns} r
       group by r.database`);
    const instant = (value: string | null) => (value === null ? null : new Date(value));
    return result.rows.map((row) => ({ database: row.database, lastCompletedAt: instant(row.last_completed_at), lastVerifiedAt: instant(row.last_verified_at) }));
  }

  /**
   * Completed runs started before `cutoff`, except each database's newest completed run and its
   * newest run that passed a drill: what retention may expire.
   */
  async expirable(tx: CatalogTransaction, cutoff: Date): Promise<BackupRunRow[]> {
    return tx
      .select()
      .from(backupRuns)
      .where(
        and(
          eq(backupRuns.status, 'completed'),
          sql`${backupRuns.startedAt} < ${cutoff.toISOString()}::timestamptz`,
          sql`${backupRuns.id} <> all (array(
            select distinct on (r.database) r.id from ${backupRuns} r where r.status = 'completed' order by r.database, r.started_at desc))`,
          sql`${backupRuns.id} <> all (array(
            select distinct on (r.database) r.id from ${backupRuns} r
             where r.status = 'completed' and exists (select 1 from ${backupVerifications} v where v.run_id = r.id and v.status = 'passed')
             order by r.database, r.started_at desc))`,
        ),
      )
      .orderBy(backupRuns.startedAt);
  }

  /** Completed → expired; undefined when it was not completed. */
  async expire(tx: CatalogTransaction, id: string): Promise<BackupRunRow | undefined> {
    const [row] = await tx
      .update(backupRuns)
      .set({ status: 'expired', expiredAt: sql`now()` })
      .where(and(eq(backupRuns.id, id), eq(backupRuns.status, 'completed')))
      .returning();
    return row;
  }
}
