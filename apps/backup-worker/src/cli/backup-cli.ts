import 'reflect-metadata';
import type { BackupDatabase } from '@comply/contracts';
import { BACKUP_USAGE, parseBackupArguments } from './backup-cli-arguments';
import { openCliBackupWorker } from './cli-backup-worker';
import { runCommand } from './command-line';
import { SnapshotProgressLine } from './snapshot-progress-line';

/** `npm run backup -- --database core`: one backup now, in this process, with progress. */
async function backUp({ database }: { database: BackupDatabase }): Promise<number> {
  const worker = await openCliBackupWorker();
  try {
    const progress = new SnapshotProgressLine(process.stderr, `backup ${database}`);
    const started = await worker.runner.start(database, { trigger: 'cli', onProgress: progress.update });
    if (!started) {
      process.stderr.write(`backup: another run of ${database} holds its lock (a worker is backing it up now); nothing done\n`);
      return 1;
    }
    process.stdout.write(`backup ${started.run.id} of ${database} started: ${started.run.blobContainer}/${started.run.blobName}\n`);
    progress.start();
    const run = await started.done.finally(() => progress.stop());
    if (run.status !== 'completed') {
      process.stderr.write(`backup: ${run.id} failed: ${run.errorCode}: ${run.errorMessage}\n`);
      return 1;
    }
    const rows = run.manifest?.tables.reduce((sum, table) => sum + table.rows, 0) ?? 0;
    process.stdout.write(
      `backup ${run.id} of ${database} completed: ${run.manifest?.tables.length ?? 0} tables, ${rows.toLocaleString('en')} rows, ` +
        `${((run.sizeBytes ?? 0) / 1_048_576).toFixed(1)} MB written, ${run.checksum}\n`,
    );
    return 0;
  } finally {
    await worker.close();
  }
}

runCommand('backup', BACKUP_USAGE, parseBackupArguments, backUp);
