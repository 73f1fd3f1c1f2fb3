import { auditExportHeader, auditExportTrailer } from '@comply/contracts';
import { BlobStore } from '@comply/blob-storage';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { CheckpointStore } from '../checkpoints/checkpoint-store';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { merkleRoot } from '../ledger/merkle-tree';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';
import { AuditExportService } from './audit-export.service';

const VERIFIER = path.join(__dirname, '../../../../tools/audit-verifier/audit-verify.mjs');

function verifier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFIER, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

const parseLines = (text: string) => text.trimEnd().split('\n').map((line) => JSON.parse(line));

/** Three appends of one tenant's log (10, 10 and 5 entries), exported by the period of their recording. */
describe('GET /v1/audit/export', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;
  let tenant: { id: string; key: string };
  let other: { id: string; key: string };
  /** recordedAt of entries 1, 11, 21 and after the last. */
  let bounds: string[];
  let dir: string;

  const exportOf = (query: string, token = tenant.key) => app.request('GET', `/v1/audit/export?${query}`, { token });

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    tenant = await app.createTenant(`exp-${run}`);
    other = await app.createTenant(`exp-other-${run}`);
    for (const [count, offset] of [[10, 0], [10, 10], [5, 20]] as const) {
      await app.append(
        Array.from({ length: count }, (_, i) =>
          incomingAudit(tenant.id, {
            action: i === 3 ? '=cmd|calc' : 'record.delete',
            details: { n: offset + i, note: 'a, "quoted"\nline' },
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await app.append([incomingAudit(other.id)]);
    const rows = await app.sql<{ recorded_at: Date }>(`select recorded_at from audit_log where log_id = $1 and sequence in (1, 11, 21, 25) order by sequence`, [tenant.id]);
    bounds = [...rows.slice(0, 3).map((row) => row.recorded_at.toISOString()), new Date(rows[3]!.recorded_at.getTime() + 1).toISOString()];
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'audit-export-'));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('streams the period as NDJSON: header, the entries recorded in [from, to), trailer', async () => {
    const response = await exportOf(`from=${bounds[1]}&to=${bounds[2]}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="audit-exp-${run}-\\d{8}T\\d{6}Z-\\d{8}T\\d{6}Z\\.ndjson"$`));
    const [header, ...rest] = parseLines(response.body as string);
    const trailer = rest.pop();
    expect(auditExportHeader.parse(header)).toEqual({ type: 'header', logId: tenant.id, from: bounds[1], to: bounds[2], format: 1, checkpoint: null });
    expect(rest.map((line: { sequence: number }) => line.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    expect(rest[0]).toMatchObject({ type: 'entry', log: tenant.id, sequence: 11, details: { n: 10 } });
    expect(Object.keys(rest[0]).slice(0, 6)).toEqual(['type', 'sequence', 'canonical', 'leafHash', 'prevHash', 'hash']);
    expect(auditExportTrailer.parse(trailer)).toEqual({ type: 'trailer', entries: 10, firstSequence: 11, lastSequence: 20, inclusion: null });
  });

  it('writes CSV with a header record, quoted cells and formulas defused', async () => {
    const response = await exportOf(`from=${bounds[0]}&to=${bounds[1]}&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('x-audit-checkpoint')).toBeNull();
    const text = response.body as string;
    expect(text.startsWith('sequence,occurredAt,recordedAt,actorType,actorId,action,resourceType,resourceId,outcome,correlationId,service,host,ip,userAgent,details,leafHash,hash\r\n')).toBe(true);
    expect(text).toContain(`,'=cmd|calc,`);
    expect(text).toContain('"{""n"":3,""note"":""a, \\""quoted\\""\\nline""}"');
    expect(text.match(/\r\n(?=\d+,)/g)).toHaveLength(10);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('exports nothing but header and trailer for a quiet period, and only the caller\'s own log', async () => {
    const empty = await exportOf('from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z');
    expect(parseLines(empty.body as string).map((line: { type: string }) => line.type)).toEqual(['header', 'trailer']);
    expect((await exportOf(`from=${bounds[0]}&to=${bounds[3]}&log=${tenant.id}`, other.key)).status).toBe(404);
    const admin = await exportOf(`from=${bounds[0]}&to=2100-01-01T00:00:00Z&tenantId=${other.id}`, app.adminToken);
    expect(parseLines(admin.body as string)).toHaveLength(3);
  });

  it.each([
    ['to=2026-01-02T00:00:00Z', 'from'],
    ['from=2026-01-01T00:00:00Z', 'to'],
    ['from=yesterday&to=2026-01-02T00:00:00Z', 'from'],
    ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&format=xml', 'format'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const response = await exportOf(query);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(field);
  });

  describe('with a signed checkpoint in blob storage', () => {
    const checkpoints = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
    let store: CheckpointStore;

    beforeAll(async () => {
      const blobs = BlobStore.fromConnectionString(testBlobConnectionString(), testContainerName('export'));
      await blobs.ensureContainer();
      store = new CheckpointStore(blobs, { error: () => undefined });
      const leaves = await app.sql<{ leaf_hash: Buffer }>(`select leaf_hash from audit_log where log_id = $1 order by sequence`, [tenant.id]);
      await store.save(checkpoints.sign(tenant.id, 22, merkleRoot(leaves.slice(0, 22).map((row) => row.leaf_hash)), new Date()));
    });

    async function exportFile(name: string, from: string, to: string): Promise<{ file: string; text: string }> {
      const service = app.service.app.get(AuditExportService);
      const plan = await service.plan(tenant.id, new Date(from), new Date(to), store);
      let text = '';
      for await (const line of service.ndjson(plan)) text += line;
      const file = path.join(dir, name);
      await fs.writeFile(file, text);
      return { file, text };
    }

    it('ships the checkpoint and proofs with which the standalone verifier proves every exported entry', async () => {
      const { file, text } = await exportFile('slice.ndjson', bounds[1]!, bounds[2]!);
      const lines = parseLines(text);
      expect(lines[0].checkpoint).toMatch(/^comply-ai\/audit\/exp-/);
      expect(lines.at(-1).inclusion).toMatchObject({ first: { sequence: 11, treeSize: 22 }, last: { sequence: 20, treeSize: 22 } });
      const result = await verifier('export', '--vkey', checkpoints.verifierKey, file);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`valid: entries 11..20 of log ${tenant.id}`);
    });

    it('leaves the checkpoint out when it does not cover the last entry', async () => {
      const { text } = await exportFile('beyond.ndjson', bounds[2]!, bounds[3]!);
      const lines = parseLines(text);
      expect(lines[0].checkpoint).toBeNull();
      expect(lines.at(-1)).toMatchObject({ entries: 5, firstSequence: 21, lastSequence: 25, inclusion: null });
    });

    it('exports an entry changed in the database so that the verifier finds it', async () => {
      await app.sql(`DO $$ BEGIN SET LOCAL session_replication_role = replica; UPDATE audit_log SET action = 'nothing.happened' WHERE log_id = '${tenant.id}' AND sequence = 14; END $$`);
      const { file } = await exportFile('tampered.ndjson', bounds[1]!, bounds[2]!);
      const result = await verifier('export', '--vkey', checkpoints.verifierKey, file);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/first broken entry: sequence 14 .*"action" differs from the canonical entry/);
    });
  });
});
