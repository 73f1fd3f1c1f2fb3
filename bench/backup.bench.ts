/*
 * backup-worker's snapshot engine against PostgreSQL's own COPY, both measured in the same run on
 * a scratch copy of core filled with RECORDS storage records (ledger and outbox rows alongside, in
 * four monthly partitions). Each figure is the median of ROUNDS runs after a warm-up.
 *
 * 1. Backup: writeSnapshot as platform_backup (one REPEATABLE READ READ ONLY transaction, COPY per
 *    table, framing, per-table digests, gzip, chunked AES-256-GCM, SHA-256) into a sink that
 *    discards. Baseline: `COPY (SELECT …) TO STDOUT` of the same tables, same columns, into a sink
 *    that discards. MB/s are of COPY text (plaintext) in both.
 * 2. Restore: restoreSnapshot of that blob (read from a temporary file) into a database prepared
 *    with prepareRestoreTarget (decrypt, gunzip, COPY FROM STDIN per table in one transaction as the
 *    owner, triggers and forced RLS switched off). Baseline: `COPY … FROM STDIN` of the same COPY
 *    text (from temporary files) into the same tables, in one transaction as the owner with the
 *    same switches, after the same TRUNCATE, rolled back afterwards.
 * Goal: ≥ GOAL × each baseline.
 *
 * Run: node -r @swc-node/register bench/backup.bench.ts   (BACKUP_BENCH_RECORDS=1000000 for ~1 GB of COPY text)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { LocalKeyEncryptionKey } from '@comply/crypto';
import { BACKUP_ROLE, urlForDatabase } from '@comply/persistence';
import { createTestDatabase, describePostgres, queryOnce, workspaceRoot } from '@comply/testing';
import type { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { prepareRestoreTarget } from '../apps/backup-worker/src/snapshot/restore-target';
import type { SnapshotManifest } from '../apps/backup-worker/src/snapshot/snapshot-manifest';
import { restoreSnapshot } from '../apps/backup-worker/src/snapshot/snapshot-restorer';
import { writeSnapshot } from '../apps/backup-worker/src/snapshot/snapshot-writer';
import { connectTo, seedCoreRecords, urlAs } from '../apps/backup-worker/src/testing/core-records-seed';
import { useTestPostgres } from './bench-infrastructure';
import { median, runBenchmark } from './bench-support';

const RECORDS = Number(process.env.BACKUP_BENCH_RECORDS ?? 300_000);
const ROUNDS = 3;
const GOAL = 0.5;

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const quoted = (client: Client, name: string) => name.split('.').map((part) => client.escapeIdentifier(part)).join('.');

runBenchmark(async (cleanups) => {
  const postgres = await useTestPostgres(cleanups);
  const work = mkdtempSync(join(tmpdir(), 'backup-bench-'));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const kek = await LocalKeyEncryptionKey.open(join(work, 'kek.json'));
  const source = await createTestDatabase('core');
  cleanups.push(() => source.drop());
  process.stdout.write(`PostgreSQL: ${describePostgres(postgres)}; filling ${RECORDS} records…\n`);
  await seedCoreRecords(source.adminUrl, { records: RECORDS, tenants: ['bench-a', 'bench-b', 'bench-c', 'bench-d'] });
  await queryOnce(source.adminUrl, 'VACUUM ANALYZE');

  const reader = await connectTo(urlAs(source.adminUrl, BACKUP_ROLE));
  cleanups.push(() => reader.end());
  const backup = async (sink: () => Writable) =>
    writeSnapshot({ source: reader, database: 'core', kek, upload: (blob) => pipeline(blob, sink()) });
  const manifest: SnapshotManifest = await backup(() => createWriteStream(join(work, 'snapshot.blob')));
  const plaintextMb = manifest.plaintextBytes / 1e6;
  process.stdout.write(`${manifest.tables.length} tables, ${plaintextMb.toFixed(1)} MB of COPY text, blob ${(manifest.sizeBytes / 1e6).toFixed(1)} MB\n`);

  const rawCopyOut = async (into: (table: string) => Writable) => {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const table of manifest.tables) {
      const columns = table.columns.map((c) => reader.escapeIdentifier(c)).join(', ');
      await pipeline(reader.query(copyTo(`COPY (SELECT ${columns} FROM ${quoted(reader, table.name)}) TO STDOUT`)), into(table.name));
    }
    await reader.query('COMMIT');
  };
  await rawCopyOut((table) => createWriteStream(join(work, `${table}.copy`)));

  const backupSeconds: number[] = [];
  const rawOutSeconds: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const ours = await timed(() => backup(discard));
    const raw = await timed(() => rawCopyOut(discard));
    // Round 0 warms caches and the JIT.
    if (round > 0) {
      backupSeconds.push(ours);
      rawOutSeconds.push(raw);
    }
  }

  const targetName = `core_bench_restore_${randomBytes(4).toString('hex')}`;
  await prepareRestoreTarget({ adminUrl: postgres.adminUrl, database: 'core', physicalName: targetName, manifest, migrationsDir: join(workspaceRoot(), 'migrations') });
  cleanups.push(async () => {
    const admin = await connectTo(postgres.adminUrl);
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(targetName)} WITH (FORCE)`);
    await admin.end();
  });
  const target = await connectTo(urlForDatabase(postgres.adminUrl, targetName));
  cleanups.push(() => target.end());
  const tables = manifest.tables.map((t) => quoted(target, t.name));

  const rawCopyIn = async () => {
    await target.query('BEGIN');
    await target.query('SET LOCAL ROLE core_owner');
    for (const table of tables) {
      await target.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`);
      await target.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    }
    await target.query(`TRUNCATE ${tables.join(', ')}`);
    for (const table of manifest.tables) {
      const columns = table.columns.map((c) => target.escapeIdentifier(c)).join(', ');
      await pipeline(
        createReadStream(join(work, `${table.name}.copy`)),
        target.query(copyFrom(`COPY ${quoted(target, table.name)} (${columns}) FROM STDIN`)),
      );
    }
    await target.query('ROLLBACK');
  };
  const restore = () =>
    restoreSnapshot({ blob: createReadStream(join(work, 'snapshot.blob')), manifest, kek, target, ownerRole: 'core_owner' });

  // The first restore creates the snapshot's partitions that the target lacks; the baseline needs them too.
  await restore();
  const restoreSeconds: number[] = [];
  const rawInSeconds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawInSeconds.push(await timed(rawCopyIn));
    restoreSeconds.push(await timed(restore));
  }

  const rate = (seconds: number[]) => plaintextMb / median(seconds);
  const line = (label: string, ours: number[], raw: number[], baseline: string) => {
    const ratio = rate(ours) / rate(raw);
    process.stdout.write(
      `${label}: ${rate(ours).toFixed(1)} MB/s vs ${baseline} ${rate(raw).toFixed(1)} MB/s = ${ratio.toFixed(2)}× (goal ≥ ${GOAL}×${ratio >= GOAL ? ', met' : ', NOT met'})\n`,
    );
  };
  line('backup ', backupSeconds, rawOutSeconds, 'raw COPY TO STDOUT (discarded)');
  line('restore', restoreSeconds, rawInSeconds, 'raw COPY FROM STDIN');
});
