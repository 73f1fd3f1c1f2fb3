import { BlobStore } from '@comply/blob-storage';
import { auditArchivalRun, auditArchiveList, auditArchiveVerification, type AuditArchivalRun } from '@comply/contracts';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { leafHash, verifyInclusion } from '../ledger/merkle-tree';
import { AuditWriterTestApp, HttpResult, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';
import { appendOld } from '../testing/old-entries';

const ROOT = path.join(__dirname, '../../../..');
const VERIFIER = path.join(ROOT, 'tools/audit-verifier/audit-verify.mjs');
const CLI = path.join(__dirname, '../cli/audit-cli.ts');
/** January 2019: years past the default retention of 84 months. */
const OLD_MONTH = '2019-01-01';
const OLD_PARTITION = 'audit_log_p201901';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN: '', AUDIT_API_KEY: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('retention and archival', () => {
  const run = randomUUID().slice(0, 8);
  const container = testContainerName('audit-archive');
  let app: AuditWriterTestApp;
  let blobs: BlobStore;
  let vkey: string;
  let dir: string;
  /** Old entries 1..3 of `a` (archived) then 4..5 live; 1..2 of `b`, all archived. */
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let oldCanonicals: Buffer[];
  let archived: HttpResult<AuditArchivalRun>;

  const archival = (query = '') => app.request<AuditArchivalRun>('POST', `/v1/audit/archival/run${query}`, { token: app.adminToken });
  const partitionExists = async (name: string) => (await app.sql<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [name]))[0]?.exists;

  beforeAll(async () => {
    app = await startAuditWriterTestApp({ env: { AUDIT_ARCHIVE_CONTAINER: container } });
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), container);
    vkey = (await app.request('GET', '/v1/audit/checkpoints/verifier-key')).body.verifierKey;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'audit-archive-'));
    a = await app.createTenant(`arch-a-${run}`);
    b = await app.createTenant(`arch-b-${run}`);
    oldCanonicals = await appendOld(app, a.id, OLD_MONTH, 3);
    await appendOld(app, b.id, OLD_MONTH, 2);
    // a's old entries get a checkpoint before its live ones (size 3); b's is signed by the archival.
    expect((await app.request('POST', '/v1/audit/checkpoints', { token: a.key })).body.checkpoints[0].treeSize).toBe(3);
    await app.append([incomingAudit(a.id), incomingAudit(a.id)]);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists the partitions past retention on a dry run, and changes nothing', async () => {
    const response = await archival('?dryRun=true');
    expect(response.status).toBe(200);
    const body = auditArchivalRun.parse(response.body);
    expect(body).toMatchObject({ ran: true, dryRun: true, retentionMonths: 84 });
    expect(body.partitions).toEqual([
      { partition: OLD_PARTITION, from: '2019-01-01T00:00:00.000Z', to: '2019-02-01T00:00:00.000Z', logs: 2, entries: 5, outcome: 'would-archive' },
    ]);
    expect(await partitionExists(OLD_PARTITION)).toBe(true);
    expect(await blobs.get(`archive/${OLD_PARTITION}/manifest.json`)).toBeUndefined();
  });

  it('refuses a tenant key and a bad dryRun', async () => {
    expect((await app.request('POST', '/v1/audit/archival/run', { token: a.key })).status).toBe(401);
    const bad = await app.request('POST', '/v1/audit/archival/run?dryRun=maybe', { token: app.adminToken });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toContain('dryRun');
  });

  it('skips while another replica holds the lock, then archives: blobs written, verified, the partition dropped', async () => {
    const other = new Client({ connectionString: app.database.adminUrl });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext('audit-writer:archival'))`);
      const skipped = await archival();
      expect(skipped.body).toMatchObject({ ran: false, partitions: [] });
      expect(await partitionExists(OLD_PARTITION)).toBe(true);
    } finally {
      await other.end();
    }
    archived = await archival();
    expect(archived.status).toBe(200);
    expect(archived.body.partitions).toEqual([expect.objectContaining({ partition: OLD_PARTITION, logs: 2, entries: 5, outcome: 'archived' })]);
    expect(await partitionExists(OLD_PARTITION)).toBe(false);
    const [record] = await app.sql(`select verified_at, dropped_at, entries, manifest_blob from audit_archives where partition = $1`, [OLD_PARTITION]);
    expect(record).toMatchObject({ entries: '5', manifest_blob: `archive/${OLD_PARTITION}/manifest.json` });
    expect(record?.verified_at).toBeInstanceOf(Date);
    expect(record?.dropped_at).toBeInstanceOf(Date);
    const leaves = await app.sql(`select log_id, sequence, leaf_hash from audit_archived_leaves where log_id = $1 order by sequence`, [a.id]);
    expect(leaves.map((row) => [Number(row.sequence), (row.leaf_hash as Buffer).toString('hex')])).toEqual(oldCanonicals.map((c, i) => [i + 1, leafHash(c).toString('hex')]));
    expect(await app.sql(`select 1 from audit_log where log_id = $1 and sequence <= 3`, [a.id])).toHaveLength(0);
  });

  it('writes a manifest and one slice per log that tools/audit-verifier accepts offline', async () => {
    const manifest = JSON.parse((await blobs.get(`archive/${OLD_PARTITION}/manifest.json`))!.toString('utf8'));
    expect(manifest).toMatchObject({ format: 1, partition: OLD_PARTITION, entries: 5 });
    expect(manifest.logs.map((log: { logId: string; firstSequence: number; lastSequence: number }) => [log.logId, log.firstSequence, log.lastSequence])).toEqual([
      [a.id, 1, 3],
      [b.id, 1, 2],
    ]);
    for (const log of manifest.logs) {
      const slice = (await blobs.get(log.blob))!;
      expect(createHash('sha256').update(slice).digest('hex')).toBe(log.sha256);
      const file = path.join(dir, `${log.logId}.ndjson`);
      await fs.writeFile(file, slice);
      const checked = await node([VERIFIER, 'export', '--vkey', vkey, file]);
      expect({ code: checked.code, stderr: checked.stderr }).toEqual({ code: 0, stderr: '' });
    }
    // An edited line of a downloaded slice is caught offline.
    const file = path.join(dir, `${a.id}.ndjson`);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"n":2', '"n":7'));
    expect((await node([VERIFIER, 'export', '--vkey', vkey, file])).code).not.toBe(0);
  });

  it('keeps the live log verifiable across the archived boundary', async () => {
    const verdict = await app.request('GET', '/v1/audit/verify', { token: a.key });
    expect(verdict.body).toMatchObject({ logId: a.id, intact: true, entriesChecked: 5, archivedThrough: 3 });
    const signed = await app.request('POST', '/v1/audit/checkpoints', { token: a.key });
    expect(signed.body.checkpoints[0]).toMatchObject({ treeSize: 5, created: true });
    const again = await app.request('GET', '/v1/audit/verify', { token: a.key });
    expect(again.body).toMatchObject({ intact: true, entriesChecked: 5, checkpoint: { treeSize: 5, matches: true } });
    const onlyArchived = await app.request('GET', `/v1/audit/verify?log=${b.id}`, { token: app.adminToken });
    expect(onlyArchived.body).toMatchObject({ logId: b.id, intact: true, entriesChecked: 2, archivedThrough: 2, checkpoint: { treeSize: 2, matches: true } });
  });

  it('notices a first live entry that does not link to the archived last hash', async () => {
    const withoutTriggers = (statement: string) => app.sql(`do $$ begin set local session_replication_role = replica; ${statement}; end $$`);
    await withoutTriggers(`update audit_log set prev_hash = '\\x${'07'.repeat(32)}'::bytea where log_id = '${a.id}' and sequence = 4`);
    try {
      const verdict = await app.request('GET', '/v1/audit/verify', { token: a.key });
      expect(verdict.body).toMatchObject({ intact: false, archivedThrough: 3, firstBroken: { sequence: 4, reason: 'prev-link-mismatch' } });
      expect(verdict.body.detail).toContain(`does not link to the last archived entry 3 (partition ${OLD_PARTITION})`);
    } finally {
      await withoutTriggers(`update audit_log set prev_hash = (select last_hash from audit_archive_logs where log_id = '${a.id}') where log_id = '${a.id}' and sequence = 4`);
    }
    expect((await app.request('GET', '/v1/audit/verify', { token: a.key })).body).toMatchObject({ intact: true });
  });

  it('notices an archive record that its manifest in blob storage contradicts', async () => {
    const [recorded] = await app.sql(`select last_hash from audit_archive_logs where log_id = $1`, [a.id]);
    await app.sql(`update audit_archive_logs set last_hash = $2 where log_id = $1`, [a.id, Buffer.alloc(32, 7)]);
    try {
      const verdict = await app.request('GET', '/v1/audit/verify', { token: a.key });
      expect(verdict.body).toMatchObject({ intact: false, firstBroken: { sequence: 4, reason: 'prev-link-mismatch' } });
      expect(verdict.body.detail).toContain(`but its manifest in blob storage says 3 and ${(recorded?.last_hash as Buffer).toString('hex')}`);
    } finally {
      await app.sql(`update audit_archive_logs set last_hash = $2 where log_id = $1`, [a.id, recorded?.last_hash]);
    }
  });

  it('proves archived and live entries against the signed root', async () => {
    const checkpoint = (await app.request('GET', '/v1/audit/checkpoints/latest', { token: a.key })).body;
    const root = Buffer.from(checkpoint.rootHash, 'hex');
    for (const sequence of [1, 3, 4, 5]) {
      const proof = await app.request('GET', `/v1/audit/proofs/inclusion?sequence=${sequence}&treeSize=5`, { token: a.key });
      expect(proof.status).toBe(200);
      const canonical = Buffer.from(proof.body.canonical, 'base64');
      if (sequence <= 3) expect(canonical.equals(oldCanonicals[sequence - 1]!)).toBe(true);
      const path = proof.body.path.map((hash: string) => Buffer.from(hash, 'hex'));
      expect(verifyInclusion(leafHash(canonical), sequence - 1, 5, path, root)).toBe(true);
    }
    const consistency = await app.request('GET', '/v1/audit/proofs/consistency?from=3&to=5', { token: a.key });
    expect(consistency.status).toBe(200);
  });

  it('lists a log\'s archives to its tenant and the admin, and verifies them from the blobs', async () => {
    const own = await app.request('GET', '/v1/audit/archives', { token: a.key });
    const list = auditArchiveList.parse(own.body);
    expect(list.archives).toEqual([expect.objectContaining({ partition: OLD_PARTITION, logId: a.id, firstSequence: 1, lastSequence: 3, entries: 3, checkpointSize: 3 })]);
    expect((await app.request('GET', `/v1/audit/archives?log=${b.id}`, { token: a.key })).status).toBe(404);
    expect((await app.request('GET', `/v1/audit/archives?log=${b.id}`, { token: app.adminToken })).body.archives).toHaveLength(1);
    const verified = await app.request('GET', `/v1/audit/archives/${OLD_PARTITION}/verify`, { token: a.key });
    expect(auditArchiveVerification.parse(verified.body)).toMatchObject({ partition: OLD_PARTITION, logId: a.id, intact: true, entries: 3, checkpointSize: 3 });
    expect((await app.request('GET', '/v1/audit/archives/audit_log_x/verify', { token: a.key })).status).toBe(400);
    expect((await app.request('GET', '/v1/audit/archives/audit_log_p201902/verify', { token: a.key })).status).toBe(404);
  });

  it('says so when the archive record and the blobs disagree', async () => {
    const [recorded] = await app.sql(`select slice_sha256 from audit_archive_logs where log_id = $1`, [b.id]);
    await app.sql(`update audit_archive_logs set slice_sha256 = $2 where log_id = $1`, [b.id, Buffer.alloc(32)]);
    try {
      const verdict = await app.request('GET', `/v1/audit/archives/${OLD_PARTITION}/verify?log=${b.id}`, { token: app.adminToken });
      expect(verdict.body).toMatchObject({ intact: false });
      expect(verdict.body.problem).toContain('manifest');
    } finally {
      await app.sql(`update audit_archive_logs set slice_sha256 = $2 where log_id = $1`, [b.id, recorded?.slice_sha256]);
    }
  });

  it('does nothing on a second run', async () => {
    const second = await archival();
    expect(second.body).toMatchObject({ ran: true, partitions: [] });
  });

  it('archives one partition once when two runs race', async () => {
    const c = await app.createTenant(`arch-c-${run}`);
    await appendOld(app, c.id, '2019-02-01', 2);
    const runs = await Promise.all([archival(), archival()]);
    const outcomes = runs.flatMap((response) => response.body.partitions.map((p: { outcome: string }) => p.outcome));
    expect(outcomes).toEqual(['archived']);
    expect(await partitionExists('audit_log_p201902')).toBe(false);
    expect((await app.request('GET', '/v1/audit/verify', { token: c.key })).body).toMatchObject({ intact: true, entriesChecked: 2, archivedThrough: 2 });
  });

  it('archives and verifies from the command line', async () => {
    const env = { AUDIT_WRITER_URL: app.url, ADMIN_TOKEN: app.adminToken };
    const dry = await node(['-r', '@swc-node/register', CLI, 'archive', '--dry-run'], env);
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('nothing to archive');
    const verified = await node(['-r', '@swc-node/register', CLI, 'verify-archive', OLD_PARTITION, '--log', b.id], env);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toContain(`archive ${OLD_PARTITION} of log ${b.id}: intact, 2 entries`);
    expect((await node(['-r', '@swc-node/register', CLI, 'verify-archive', 'june'], env)).code).toBe(2);
  }, 60_000);
});

describe('retention and archival of a partition whose archive does not verify', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    const tenant = await app.createTenant(`arch-t-${run}`);
    await appendOld(app, tenant.id, OLD_MONTH, 3, 2);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('keeps the partition, records nothing as verified, and says why', async () => {
    const response = await app.request('POST', '/v1/audit/archival/run', { token: app.adminToken });
    expect(response.status).toBe(200);
    const [partition] = response.body.partitions;
    expect(partition).toMatchObject({ partition: OLD_PARTITION, outcome: 'refused' });
    expect(partition.reason).toContain('entry 2: its fields differ from its canonical bytes');
    expect((await app.sql(`select to_regclass($1) is not null as exists`, [OLD_PARTITION]))[0]?.exists).toBe(true);
    expect(await app.sql(`select verified_at from audit_archives where partition = $1`, [OLD_PARTITION])).toEqual([{ verified_at: null }]);
    expect((await app.request('GET', '/metrics')).body).toMatch(/^audit_archival_refusals_total\{[^}]*\} 1$/m);
  });

  it('finds its blobs on a retry and verifies them again; blobs that differ from what it would write stop it', async () => {
    const retry = await app.request('POST', '/v1/audit/archival/run', { token: app.adminToken });
    expect(retry.body.partitions[0]).toMatchObject({ outcome: 'refused' });
    expect(retry.body.partitions[0].reason).toContain('entry 2: its fields differ from its canonical bytes');
    // Repaired in the database, the slice it would write now differs from the stored one: never overwritten.
    await app.sql(`do $$ begin set local session_replication_role = replica; update audit_log set action = convert_from(canonical, 'UTF8')::jsonb->>'action' where sequence = 2; end $$`);
    const repaired = await app.request('POST', '/v1/audit/archival/run', { token: app.adminToken });
    expect(repaired.body.partitions[0]).toMatchObject({ outcome: 'refused' });
    expect(repaired.body.partitions[0].reason).toMatch(/^archive blob archive\/audit_log_p201901\/arch-t-.*\.ndjson already holds different content/);
    expect((await app.sql(`select to_regclass($1) is not null as exists`, [OLD_PARTITION]))[0]?.exists).toBe(true);
  });

  it('refuses to drop an unverified partition even when asked directly', async () => {
    await expect(app.sql(`select audit_archive_drop_partition($1, '2020-01-01T00:00:00Z')`, [OLD_PARTITION])).rejects.toThrow(/has no verified archive/);
    await expect(app.sql(`select audit_archive_drop_partition('audit_log_p' || to_char(now(), 'YYYYMM'), now())`)).rejects.toThrow(/less than 12 months back/);
  });
});
