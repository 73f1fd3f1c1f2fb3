import { BlobStore } from '@comply/blob-storage';
import { backupFailedV1 } from '@comply/contracts';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { testBlobConnectionString, until, workspaceRoot } from '@comply/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupRunRow } from '../database/schema';
import { seedCoreRecords } from '../testing/core-records-seed';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';
import { RestoreDrill } from '../verification/restore-drill';
import { manifestBlobName } from './backup-blobs';
import { BackupRunner } from './backup-runner';

const RECORDS = 20_000;
/**
 * A table the snapshot reads after storage_records (tables go in name order). The test holds it
 * locked, so the backup has streamed records and then waits: the kill lands mid-stream, before
 * the blob could be committed, however fast the machine.
 */
const HELD_TABLE = 'tenants';

/** `npm run backup -- --database core` as its own process, its output collected as it comes. */
interface BackupCliProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startBackupCli(env: Record<string, string>): BackupCliProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../cli/backup-cli.ts'), '--database', 'core'], {
    cwd: workspaceRoot(),
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cli: BackupCliProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code))),
  };
  child.stdout?.on('data', (chunk: Buffer) => (cli.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (cli.stderr += chunk.toString('utf8')));
  return cli;
}

/** The rows the newest progress line reports (`backup core: 12,345 rows, …`); 0 before the first. */
function rowsReported(stderr: string): number {
  const lines = [...stderr.matchAll(/backup core: ([\d,]+) rows/g)];
  return lines.length === 0 ? 0 : Number(lines[lines.length - 1][1].replace(/,/g, ''));
}

describe('a backup whose worker is killed mid-run', () => {
  let app: BackupWorkerTestApp;
  let blobs: BlobStore;
  let cli: BackupCliProcess | undefined;
  /** Holds HELD_TABLE locked while the backup runs. */
  let holder: Client | undefined;

  const runOf = async (id: string) => (await app.sql(`select status, error_code, completed_at, checksum, manifest, blob_name from backup_runs where id = $1`, [id]))[0];
  const outboxOf = async (subject: string, backupId: string) => (await app.outbox(subject)).filter((row) => row.body.backupId === backupId);

  beforeAll(async () => {
    app = await startBackupWorkerTestApp();
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), app.service.app.get<BackupWorkerConfig>(SERVICE_CONFIG).BLOB_CONTAINER);
    await seedCoreRecords(app.core.adminUrl, { records: RECORDS, tenants: ['crash-tenant-a', 'crash-tenant-b'] });
  }, 180_000);

  afterAll(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    await holder?.end().catch(() => undefined);
    await app?.close();
  }, 60_000);

  it('leaves nothing completed when SIGKILLed, is marked Abandoned by the next run, and the next run completes and restores', async () => {
    const locked = new Client({ connectionString: app.core.adminUrl });
    holder = locked;
    await locked.connect();
    await locked.query('BEGIN');
    await locked.query(`LOCK TABLE ${HELD_TABLE} IN ACCESS EXCLUSIVE MODE`);
    cli = startBackupCli(app.env);
    const killed = cli;
    const progressed = await until(
      async () => ({ rows: rowsReported(killed.stderr), exited: killed.child.exitCode !== null }),
      (seen) => seen.rows > 0 || seen.exited,
      { timeoutMs: 120_000 },
    );
    expect({ exited: progressed.exited, stdout: killed.stdout }).toEqual({ exited: false, stdout: expect.stringMatching(/^backup [0-9a-f-]{36} of core started: /) });
    expect(progressed.rows).toBeGreaterThan(0);
    const id = /^backup ([0-9a-f-]{36}) of core started: /.exec(killed.stdout)?.[1] as string;
    expect((await runOf(id)).status).toBe('running');
    const waiting = await until(
      async () =>
        (await locked.query<{ query: string }>(`select query from pg_stat_activity where wait_event_type = 'Lock' and query like 'COPY %' and pid <> pg_backend_pid()`)).rows,
      (rows) => rows.length > 0,
      { timeoutMs: 60_000 },
    );
    expect(waiting[0].query).toContain(`"public"."${HELD_TABLE}"`);

    killed.child.kill('SIGKILL');
    expect(await killed.exited).toBe('SIGKILL');
    await locked.end();
    holder = undefined;
    expect(killed.stdout).not.toMatch(/completed/);

    const abandoned = await runOf(id);
    expect(abandoned).toMatchObject({ status: 'running', error_code: null, completed_at: null, checksum: null, manifest: null });
    expect(await outboxOf('backup.completed.v1', id)).toEqual([]);
    expect(await outboxOf('backup.failed.v1', id)).toEqual([]);
    expect(await app.sql(`select id from backup_runs where status = 'completed'`)).toEqual([]);
    // Whatever blocks were staged before the kill were never committed: no blob, and no manifest beside it.
    expect(await blobs.get(abandoned.blob_name)).toBeUndefined();
    expect(await blobs.get(manifestBlobName(abandoned.blob_name))).toBeUndefined();

    // The killed process's lock goes with its connection, which the server closes once it sees the socket gone.
    const runner = app.service.app.get(BackupRunner);
    const next = await until(
      () => runner.start('core', { trigger: 'cli' }),
      (started) => started !== undefined,
    );
    expect(next).toBeDefined();
    const completed = (await next?.done) as BackupRunRow;

    expect(await runOf(id)).toMatchObject({ status: 'failed', error_code: 'Abandoned', checksum: null, manifest: null });
    const [failedEvent] = await outboxOf('backup.failed.v1', id);
    expect(backupFailedV1.parse(failedEvent.body)).toMatchObject({ backupId: id, database: 'core', error: { code: 'Abandoned' } });
    expect(await outboxOf('backup.completed.v1', id)).toEqual([]);
    const shown = await app.admin('GET', `/v1/backups/${id}`);
    expect(shown.body).toMatchObject({ id, status: 'failed', error: { code: 'Abandoned' }, checksum: null });
    expect((await app.request('GET', '/metrics')).body).toMatch(/backup_failures_total\{[^}]*database="core"[^}]*code="Abandoned"[^}]*\} 1/);

    expect(completed).toMatchObject({ status: 'completed', database: 'core', errorCode: null });
    expect(completed.manifest?.tables.find((table) => table.name === 'public.storage_records')?.rows).toBe(RECORDS);
    expect((await blobs.get(completed.blobName))?.length).toBe(completed.sizeBytes);
    expect(await outboxOf('backup.completed.v1', completed.id)).toHaveLength(1);

    const drill = await app.service.app.get(RestoreDrill).verify(completed);
    expect({ status: drill.status, errorCode: drill.errorCode }).toEqual({ status: 'passed', errorCode: null });
    expect(drill.tables.length).toBe(completed.manifest?.tables.length);
    expect(drill.tables.every((table) => table.matches)).toBe(true);
  }, 300_000);
});
