import type { AuditCheckpointResponse, AuditCheckpointsCreated, AuditVerification, AuditVerifierKey } from '@comply/contracts';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merkleRoot } from '../ledger/merkle-tree';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';
import { CheckpointSchedule } from './checkpoint-schedule';
import { checkpointBlobName, CheckpointStore } from './checkpoint-store';

const VERIFIER = join(__dirname, '..', '..', '..', '..', 'tools', 'audit-verifier', 'audit-verify.mjs');

describe('signed checkpoints', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;
  let files: string;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    files = mkdtempSync(join(tmpdir(), 'audit-checkpoints-'));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    rmSync(files, { recursive: true, force: true });
  });

  const append = (logId: string | undefined, count: number) => app.append(Array.from({ length: count }, (_, i) => incomingAudit(logId, { details: { i } })));
  const leavesOf = async (logId: string) =>
    (await app.sql<{ leaf_hash: Buffer }>(`select leaf_hash from audit_log where log_id = $1 order by sequence`, [logId])).map((row) => row.leaf_hash);

  it('publishes the verifier key without authentication', async () => {
    const response = await app.request<AuditVerifierKey>('GET', '/v1/audit/checkpoints/verifier-key');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      verifierKey: expect.stringMatching(/^comply-ai-audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/),
      keyName: 'comply-ai-audit',
      keyId: response.body.verifierKey.split('+')[1],
      algorithm: 'ed25519',
      originPrefix: 'comply-ai/audit/',
    });
  });

  it("signs a tenant's log on its request, at its size, with the root of its entries and the database's time; a size is never signed twice", async () => {
    const tenant = await app.createTenant(`signed-${run}`, ['read']);
    await append(tenant.id, 5);
    const before = Date.now();
    const created = await app.request<AuditCheckpointsCreated>('POST', '/v1/audit/checkpoints', { token: tenant.key });
    expect(created.status).toBe(200);
    const [first] = created.body.checkpoints;
    expect(created.body.refused).toEqual([]);
    expect(first).toMatchObject({ logId: tenant.id, treeSize: 5, rootHash: merkleRoot(await leavesOf(tenant.id)).toString('hex'), created: true });
    expect(Math.abs(new Date(first!.time).getTime() - before)).toBeLessThan(10_000);
    expect(first!.note).toBe(`comply-ai/audit/${tenant.id}\n5\n${merkleRoot(await leavesOf(tenant.id)).toString('base64')}\ntime ${first!.time}\n\n${first!.note.split('\n\n')[1]}`);

    const again = await app.request<AuditCheckpointsCreated>('POST', '/v1/audit/checkpoints', { token: tenant.key });
    expect(again.body.checkpoints).toEqual([{ ...first, created: false }]);
    expect(await app.service.app.get(CheckpointStore).sizes(tenant.id)).toEqual([5]);

    const latest = await app.request<AuditCheckpointResponse>('GET', '/v1/audit/checkpoints/latest', { token: tenant.key });
    const { created: _created, ...fields } = first!;
    expect(latest.body).toEqual(fields);
    expect(await app.request<AuditVerification>('GET', '/v1/audit/verify', { token: tenant.key })).toMatchObject({
      body: { intact: true, entriesChecked: 5, checkpoint: { treeSize: 5, rootHash: first!.rootHash, time: first!.time, matches: true } },
    });
  });

  it('gives a tenant key only its own log, and answers 404 for a log without checkpoint or entries', async () => {
    const tenant = await app.createTenant(`own-${run}`, ['read']);
    expect((await app.request('GET', '/v1/audit/checkpoints/latest', { token: tenant.key })).status).toBe(404);
    expect((await app.request('POST', '/v1/audit/checkpoints', { token: tenant.key })).status).toBe(404);
    expect((await app.request('POST', `/v1/audit/checkpoints?log=signed-${run}`, { token: tenant.key })).status).toBe(404);
    expect((await app.request('POST', '/v1/audit/checkpoints?log=Not%20An%20Id', { token: app.adminToken })).body).toMatchObject({ issues: [{ path: 'log' }] });
    expect((await app.request('POST', '/v1/audit/checkpoints')).status).toBe(401);
  });

  it('signs every log that grew, periodically, and leaves the others', async () => {
    const grown = `periodic-${run}`;
    const still = `still-${run}`;
    await append(grown, 3);
    await append(still, 2);
    await append(undefined, 1);
    const schedule = app.service.app.get(CheckpointSchedule);
    const signed = await schedule.runOnce();
    expect(signed).toEqual(expect.arrayContaining([grown, still, 'platform']));
    await append(grown, 2);
    expect(await schedule.runOnce()).toEqual([grown]);
    expect(await schedule.runOnce()).toEqual([]);
    const store = app.service.app.get(CheckpointStore);
    expect(await store.sizes(grown)).toEqual([3, 5]);
    expect(await store.sizes(still)).toEqual([2]);
    const platform = await app.admin<AuditCheckpointResponse>('GET', '/v1/audit/checkpoints/latest?log=platform');
    expect(platform.body).toMatchObject({ logId: 'platform', rootHash: merkleRoot(await leavesOf('platform')).toString('hex') });
  });

  it('signs every log with entries on the admin token, in one answer', async () => {
    const logId = `all-${run}`;
    await append(logId, 4);
    const response = await app.admin<AuditCheckpointsCreated>('POST', '/v1/audit/checkpoints');
    expect(response.status).toBe(200);
    expect(response.body.checkpoints).toContainEqual(expect.objectContaining({ logId, treeSize: 4, created: true }));
    expect(response.body.checkpoints.find((checkpoint) => checkpoint.logId === `signed-${run}`)).toMatchObject({ treeSize: 5, created: false });
  });

  it('stores each checkpoint create-only under its log and size, checkable offline with the verifier key', async () => {
    const logId = `offline-${run}`;
    await append(logId, 3);
    const [checkpoint] = (await app.admin<AuditCheckpointsCreated>('POST', `/v1/audit/checkpoints?log=${logId}`)).body.checkpoints;
    expect((await app.service.app.get(CheckpointStore).atSize(logId, 3))?.note).toBe(checkpoint!.note);
    expect(checkpointBlobName(logId, 3)).toBe(`checkpoints/${logId}/00000000000000000003.note`);
    const vkey = (await app.request<AuditVerifierKey>('GET', '/v1/audit/checkpoints/verifier-key')).body.verifierKey;
    const file = join(files, 'checkpoint.note');
    writeFileSync(file, checkpoint!.note);
    const output = execFileSync(process.execPath, [VERIFIER, 'checkpoint', '--vkey', vkey, file], { encoding: 'utf8' });
    expect(output).toContain(logId);
    expect(output).toContain(checkpoint!.rootHash);
  });
});
