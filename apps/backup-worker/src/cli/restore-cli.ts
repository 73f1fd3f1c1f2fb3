import 'reflect-metadata';
import { resolve } from 'node:path';
import { databaseRoles, urlForDatabase } from '@comply/persistence';
import { isDeepStrictEqual } from 'node:util';
import { manifestBlobName } from '../backups/backup-blobs';
import { bypassesRowSecurity, connectByUrl } from '../database/platform-connections';
import { BackupRunRow } from '../database/schema';
import { prepareRestoreTarget } from '../snapshot/restore-target';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { restoreSnapshot } from '../snapshot/snapshot-restorer';
import { digestTables } from '../snapshot/table-digest';
import { compareTables } from '../verification/table-comparison';
import { describeTarget, parseRestoreArguments, RESTORE_USAGE, RestoreArguments } from './backup-cli-arguments';
import { CliBackupWorker, openCliBackupWorker } from './cli-backup-worker';
import { CommandFailure, runCommand } from './command-line';
import { SnapshotProgressLine } from './snapshot-progress-line';

/** `npm run restore -- --database core --backup <id>|latest --target <postgres url>`. */
async function main(args: RestoreArguments): Promise<number> {
  const worker = await openCliBackupWorker();
  try {
    return await restore(worker, args);
  } finally {
    await worker.close();
  }
}

async function restore(worker: CliBackupWorker, args: RestoreArguments): Promise<number> {
  const run = await chosenRun(worker, args);
  const manifest = run.manifest as SnapshotManifest;
  const stored = await worker.blobs.manifest(run.blobName);
  if (stored && !isDeepStrictEqual(stored, manifest)) throw new CommandFailure(`the manifest in blob storage (${manifestBlobName(run.blobName)}) differs from the catalog's; refusing to restore`);
  const physicalName = decodeURIComponent(args.target.pathname.slice(1));
  const target = describeTarget(args.target);
  process.stdout.write(`restoring backup ${run.id} of ${args.database} (snapshot ${manifest.snapshotAt}, ${manifest.tables.length} tables) into ${target}\n`);
  await prepareRestoreTarget({
    adminUrl: urlForDatabase(args.target.toString(), 'postgres'),
    database: args.database,
    physicalName,
    manifest,
    allowNonEmpty: args.allowNonEmpty,
    migrationsDir: resolve(worker.config.MIGRATIONS_DIR),
  });
  const blob = await worker.blobs.open(run.blobName);
  if (!blob) throw new CommandFailure(`blob ${run.blobName} is not in container ${run.blobContainer} (expired and removed?)`);
  const client = await connectByUrl(args.target.toString(), physicalName, 'backup-worker restore');
  try {
    const progress = new SnapshotProgressLine(process.stderr, `restore ${args.database}`);
    progress.start();
    const result = await restoreSnapshot({ blob, manifest, kek: worker.kek, target: client, ownerRole: databaseRoles(args.database).owner, onProgress: progress.update }).finally(() => {
      progress.stop();
      blob.destroy();
    });
    const rows = result.tables.reduce((sum, table) => sum + table.rows, 0);
    process.stdout.write(`restored ${result.tables.length} tables, ${rows.toLocaleString('en')} rows; blob checksum ${result.checksum} matches\n`);
    if (!(await bypassesRowSecurity(client))) {
      process.stdout.write('content digests not compared: the target role is subject to row-level security (the restore drill compares them as the backup role)\n');
      return 0;
    }
    const comparison = compareTables(manifest, await digestTables(client, manifest.tables.map((table) => table.name)));
    const different = comparison.filter((table) => !table.matches);
    for (const table of different) process.stderr.write(`restore: ${table.name}: ${table.actualRows ?? 'no'} rows ${table.actualDigest ?? ''}, the backup holds ${table.expectedRows} rows ${table.expectedDigest}\n`);
    if (different.length > 0) return 1;
    process.stdout.write(`every table's content digest equals the backup's\n`);
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function chosenRun(worker: CliBackupWorker, args: RestoreArguments): Promise<BackupRunRow> {
  const run = await worker.database.db.transaction((tx) =>
    args.backup === 'latest' ? worker.catalog.latestCompleted(tx, args.database) : worker.catalog.run(tx, args.backup),
  );
  if (!run) throw new CommandFailure(args.backup === 'latest' ? `no completed backup of ${args.database} in the catalog` : `no backup ${args.backup} in the catalog`);
  if (run.database !== args.database) throw new CommandFailure(`backup ${run.id} is of ${run.database}, not ${args.database}`);
  if (run.status !== 'completed' && run.status !== 'expired') throw new CommandFailure(`backup ${run.id} is ${run.status}; only a completed backup can be restored`);
  return run;
}

runCommand('restore', RESTORE_USAGE, parseRestoreArguments, main);
