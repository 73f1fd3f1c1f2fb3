import { urlForDatabase } from '@comply/persistence';
import { queryOnce, testAdminUrl, workspaceRoot } from '@comply/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { digestTables } from '../snapshot/table-digest';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function digestsOf(url: string, tables: string[]) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Object.fromEntries(await digestTables(client, tables));
  } finally {
    await client.end();
  }
}

describe('npm run backup / npm run restore', () => {
  let app: BackupWorkerTestApp;
  const restored = `core_restore_${randomBytes(4).toString('hex')}`;
  const target = urlForDatabase(testAdminUrl(), restored);

  const cli = (script: string, args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, script), ...args],
        { cwd: workspaceRoot(), env: { ...process.env, ...app.env, LOG_LEVEL: 'silent' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    app = await startBackupWorkerTestApp();
    await app.seedCore('cli-tenant', 300);
  }, 60_000);

  afterAll(async () => {
    await queryOnce(testAdminUrl(), `drop database if exists "${restored}" with (force)`);
    await app?.close();
  }, 60_000);

  it('backs up in process with progress, restores into a fresh database equal to the source, and refuses a non-empty target', async () => {
    const backup = await cli('backup-cli.ts', ['--database', 'core']);
    expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/backup core: [\d,]+ rows, [\d.]+ MB, [\d,]+ rows\/s/) });
    const id = /backup ([0-9a-f-]{36}) of core completed/.exec(backup.stdout)?.[1];
    expect(id).toBeDefined();
    const [run] = await app.sql<{ trigger: string; manifest: SnapshotManifest }>(`select trigger, manifest from backup_runs where id = $1 and status = 'completed'`, [id]);
    expect(run.trigger).toBe('cli');

    const restore = await cli('restore-cli.ts', ['--database', 'core', '--backup', 'latest', '--target', target]);
    expect({ code: restore.code, stderr: restore.stderr.replace(/restore core: .*\n/g, '') }).toEqual({ code: 0, stderr: '' });
    expect(restore.stdout).toContain("every table's content digest equals the backup's");
    expect(restore.stdout).not.toContain(new URL(target).password || '\u0000');

    const tables = run.manifest.tables.map((table) => table.name);
    expect(await digestsOf(target, tables)).toEqual(await digestsOf(app.core.adminUrl, tables));

    const again = await cli('restore-cli.ts', ['--database', 'core', '--backup', String(id), '--target', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/restore: .*(empty|rows)/i);
  }, 180_000);

  it.each([
    [['backup-cli.ts', '--database', 'nope'], '--database must be one of'],
    [['backup-cli.ts'], '--database is required'],
    [['restore-cli.ts', '--database', 'core', '--backup', 'yesterday', '--target', 'postgres://x@h/db'], '--backup must be a backup id'],
    [['restore-cli.ts', '--database', 'core', '--backup', 'latest', '--target', 'postgres://x@h'], '--target must name the database'],
    [['restore-cli.ts', '--database', 'core', '--backup', 'latest'], '--target is required'],
  ])('refuses %j with the usage and exit code 2', async ([script, ...args], message) => {
    const result = await cli(script, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run');
  }, 60_000);
});
