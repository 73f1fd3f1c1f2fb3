import type { AuditCheckpointsCreated, AuditVerification } from '@comply/contracts';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CheckpointConflictError, CheckpointStore } from '../checkpoints/checkpoint-store';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { canonicalBytes } from '../ledger/canonical-json';
import { entryHash, GENESIS_PREV_HASH } from '../ledger/hash-chain';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { leafHash } from '../ledger/merkle-tree';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

interface Row {
  sequence: number;
  canonical: Buffer;
  leaf_hash: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * Every kind of tampering, each done as the PostgreSQL superuser with the append-only triggers
 * switched off (session_replication_role = replica), each caught by GET /v1/audit/verify and
 * located: the first broken entry, or, where the hashes were all recomputed, the signed checkpoint
 * that no longer matches.
 */
describe('tampering with an audit log', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
  }, 60_000);

  afterAll(() => app?.close());

  /** A statement sequence in one superuser session that bypasses the triggers. */
  async function asSuperuser(work: (client: Client) => Promise<void>): Promise<void> {
    const client = new Client({ connectionString: app.database.adminUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      await work(client);
      await client.query('commit');
    } finally {
      await client.end();
    }
  }

  async function appendEntries(logId: string, count: number): Promise<void> {
    await app.append(Array.from({ length: count }, (_, i) => incomingAudit(logId, { action: 'record.read', details: { i } })));
  }

  /** The checkpoints on success, `message` on a refusal. */
  async function checkpoint(logId: string) {
    return app.admin<AuditCheckpointsCreated & { message?: string }>('POST', `/v1/audit/checkpoints?log=${logId}`);
  }

  async function verify(logId: string): Promise<AuditVerification> {
    const response = await app.admin<AuditVerification>('GET', `/v1/audit/verify?log=${logId}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** A log of `size` entries with a checkpoint at `size`, verified intact before the tampering. */
  async function signedLog(name: string, size = 10): Promise<string> {
    const logId = `${name}-${run}`;
    await appendEntries(logId, size);
    expect((await checkpoint(logId)).body.checkpoints).toMatchObject([{ logId, treeSize: size, created: true }]);
    expect(await verify(logId)).toMatchObject({ intact: true, entriesChecked: size, checkpoint: { treeSize: size, matches: true } });
    return logId;
  }

  const rowsOf = (logId: string) =>
    app.sql<Row>(`select sequence::int as sequence, canonical, leaf_hash, prev_hash, hash from audit_log where log_id = $1 order by sequence`, [logId]);

  /** Recomputes canonical bytes, leaf hashes and chain from `fromSequence` on after `edit`, and the head and frontier, as a careful attacker would. */
  async function rewriteFrom(logId: string, fromSequence: number, edit: (entry: Record<string, unknown>) => void): Promise<void> {
    const rows = await rowsOf(logId);
    const tree = new MerkleAccumulator();
    let prevHash: Buffer = GENESIS_PREV_HASH;
    await asSuperuser(async (client) => {
      for (const row of rows) {
        if (row.sequence < fromSequence) {
          tree.add(row.leaf_hash);
          prevHash = row.hash;
          continue;
        }
        const entry = JSON.parse(row.canonical.toString('utf8')) as Record<string, unknown>;
        edit(entry);
        const canonical = canonicalBytes(entry);
        const hash = entryHash(prevHash, canonical);
        const leaf = leafHash(canonical);
        await client.query(
          `update audit_log set details = $3::jsonb, action = $4, canonical = $5, leaf_hash = $6, prev_hash = $7, hash = $8 where log_id = $1 and sequence = $2`,
          [logId, row.sequence, JSON.stringify(entry.details), entry.action, canonical, leaf, prevHash, hash],
        );
        tree.add(leaf);
        prevHash = hash;
      }
      await client.query(`update audit_logs set head_hash = $2, frontier = $3 where log_id = $1`, [logId, prevHash, tree.frontier()]);
    });
  }

  it.each([
    ['column', 'a column only', `update audit_log set action = 'record.delete' where log_id = $1 and sequence = 4`, 'content-mismatch'],
    ['canonical', 'the canonical bytes and the column alike', `update audit_log set action = 'record.delete', canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"record.read"', '"record.delete"'), 'UTF8') where log_id = $1 and sequence = 4`, 'hash-mismatch'],
    ['leaf', 'the canonical bytes with their leaf hash', `update audit_log set canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"i":3', '"i":33'), 'UTF8'), details = '{"i":33}', leaf_hash = sha256('\\x00'::bytea || convert_to(replace(convert_from(canonical, 'UTF8'), '"i":3', '"i":33'), 'UTF8')) where log_id = $1 and sequence = 4`, 'hash-mismatch'],
  ])('finds an edited field (%s: %s) at its entry', async (name, _kind, statement, reason) => {
    const logId = await signedLog(`edit-${name}`);
    await asSuperuser(async (client) => {
      const { rowCount } = await client.query(statement, [logId]);
      expect(rowCount).toBe(1);
    });
    expect(await verify(logId)).toMatchObject({ intact: false, entriesChecked: 3, firstBroken: { sequence: 4, reason }, checkpoint: { treeSize: 10, matches: false } });
  }, 60_000);

  it('finds a deleted entry where the gap opens', async () => {
    const logId = await signedLog('delete');
    await asSuperuser(async (client) => {
      await client.query(`delete from audit_log where log_id = $1 and sequence = 5`, [logId]);
    });
    expect(await verify(logId)).toMatchObject({ intact: false, entriesChecked: 4, firstBroken: { sequence: 5, reason: 'sequence-gap' } });
  }, 60_000);

  it('finds an inserted entry, renumbered and chained in, at its position', async () => {
    const logId = await signedLog('insert');
    const [third] = (await rowsOf(logId)).filter((row) => row.sequence === 3);
    const forged = { ...JSON.parse(third!.canonical.toString('utf8')), sequence: 4, eventId: randomUUID(), details: { forged: true } };
    const canonical = canonicalBytes(forged);
    await asSuperuser(async (client) => {
      // Shift 4..10 to 5..11 in two steps: the key is checked row by row.
      await client.query(`update audit_log set sequence = sequence + 1000 where log_id = $1 and sequence >= 4`, [logId]);
      await client.query(`update audit_log set sequence = sequence - 999 where log_id = $1 and sequence >= 1000`, [logId]);
      await client.query(
        `insert into audit_log (log_id, sequence, tenant_id, occurred_at, recorded_at, event_id, actor_type, actor_id, action, resource_type, resource_id,
           outcome, correlation_id, service, host, source_ip, user_agent, details, canonical, leaf_hash, prev_hash, hash)
         select log_id, 4, tenant_id, occurred_at, recorded_at, $2, actor_type, actor_id, action, resource_type, resource_id,
           outcome, correlation_id, service, host, source_ip, user_agent, '{"forged":true}', $3, $4, hash, $5
           from audit_log where log_id = $1 and sequence = 3`,
        [logId, forged.eventId, canonical, leafHash(canonical), entryHash(third!.hash, canonical)],
      );
      const leaves = await client.query<{ leaf_hash: Buffer }>(`select leaf_hash from audit_log where log_id = $1 order by sequence`, [logId]);
      const tree = new MerkleAccumulator();
      for (const row of leaves.rows) tree.add(row.leaf_hash);
      await client.query(`update audit_logs set size = 11, frontier = $2 where log_id = $1`, [logId, tree.frontier()]);
    });
    expect(await verify(logId)).toMatchObject({ intact: false, firstBroken: { sequence: 4, reason: 'inserted' } });
  }, 60_000);

  it('finds two reordered entries at the first of them', async () => {
    const logId = await signedLog('reorder');
    await asSuperuser(async (client) => {
      // One row at a time: the key (log, sequence, recorded time) is checked row by row, and a batch shares its recorded time.
      await client.query(`update audit_log set sequence = 1006 where log_id = $1 and sequence = 6`, [logId]);
      await client.query(`update audit_log set sequence = 6 where log_id = $1 and sequence = 7`, [logId]);
      await client.query(`update audit_log set sequence = 7 where log_id = $1 and sequence = 1006`, [logId]);
    });
    expect(await verify(logId)).toMatchObject({ intact: false, entriesChecked: 5, firstBroken: { sequence: 6, reason: 'reordered' } });
  }, 60_000);

  it('catches a truncated tail with the head set back consistently, by the checkpoint, and signs nothing over it', async () => {
    const logId = await signedLog('truncate');
    const rows = await rowsOf(logId);
    const kept = new MerkleAccumulator();
    for (const row of rows.slice(0, 7)) kept.add(row.leaf_hash);
    await asSuperuser(async (client) => {
      await client.query(`delete from audit_log where log_id = $1 and sequence > 7`, [logId]);
      await client.query(`update audit_logs set size = 7, head_hash = $2, frontier = $3 where log_id = $1`, [logId, rows[6]!.hash, kept.frontier()]);
    });
    const verdict = await verify(logId);
    expect(verdict).toMatchObject({
      intact: false,
      entriesChecked: 7,
      firstBroken: { sequence: 8, reason: 'truncated' },
      checkpoint: { treeSize: 10, matches: false },
    });
    expect(verdict.detail).toMatch(/has 7 entries, but the checkpoint signed at .* says 10: entries 8 to 10/);
    const refused = await checkpoint(logId);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/7 entries, but its last checkpoint covers 10/);
  }, 60_000);

  it('catches a chain rewritten consistently from some entry on, by the checkpoint, bounded by the older checkpoints', async () => {
    const logId = `rewrite-${run}`;
    for (let i = 0; i < 3; i++) {
      await appendEntries(logId, 4);
      expect((await checkpoint(logId)).body.checkpoints[0]).toMatchObject({ treeSize: 4 * (i + 1), created: true });
    }
    await rewriteFrom(logId, 6, (entry) => {
      entry.action = 'record.update';
    });
    const verdict = await verify(logId);
    expect(verdict).toMatchObject({ intact: false, entriesChecked: 12, checkpoint: { treeSize: 12, matches: false, lastMatchingTreeSize: 4 } });
    expect(verdict.firstBroken).toBeUndefined();
    expect(verdict.detail).toMatch(/rewritten consistently, from an entry after 4 .* up to 12/);
    // A later append is not signed over the rewrite.
    await appendEntries(logId, 1);
    const refused = await checkpoint(logId);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/do not extend the checkpoint of size 12/);
  }, 60_000);

  it("catches an entry exchanged between two tenants' logs in both logs", async () => {
    const a = await signedLog('swap-a', 6);
    const b = await signedLog('swap-b', 6);
    await asSuperuser(async (client) => {
      await client.query(`update audit_log set log_id = 'moving', tenant_id = 'moving' where log_id = $1 and sequence = 3`, [a]);
      await client.query(`update audit_log set log_id = $1, tenant_id = $1 where log_id = $2 and sequence = 3`, [a, b]);
      await client.query(`update audit_log set log_id = $1, tenant_id = $1 where log_id = 'moving'`, [b]);
    });
    expect(await verify(a)).toMatchObject({ intact: false, entriesChecked: 2, firstBroken: { sequence: 3, reason: 'prev-link-mismatch' } });
    expect(await verify(b)).toMatchObject({ intact: false, entriesChecked: 2, firstBroken: { sequence: 3, reason: 'prev-link-mismatch' } });
  }, 60_000);

  it('never overwrites a stored checkpoint: a different tree at the same size is refused and raises the alarm', async () => {
    const logId = await signedLog('overwrite', 5);
    const store = app.service.app.get(CheckpointStore);
    const signer = app.service.app.get(CheckpointService);
    const original = (await store.atSize(logId, 5))!.note;
    await expect(store.save(signer.sign(logId, 5, Buffer.alloc(32, 9), new Date()))).rejects.toThrow(CheckpointConflictError);
    expect((await store.atSize(logId, 5))?.note).toBe(original);

    // Through the service: the log rewritten and its checkpoint state reset, so a new note at size 5 is attempted.
    await rewriteFrom(logId, 1, (entry) => {
      entry.action = 'record.update';
    });
    await app.sql(`update audit_logs set checkpoint_size = 0, checkpoint_frontier = ''::bytea where log_id = $1`, [logId]);
    const refusalsBefore = await refusals();
    const refused = await checkpoint(logId);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/a different tree of size 5 is already signed/);
    expect(await refusals()).toBe(refusalsBefore + 1);
    expect((await store.atSize(logId, 5))?.note).toBe(original);
    expect(await verify(logId)).toMatchObject({ intact: false, checkpoint: { treeSize: 5, matches: false, lastMatchingTreeSize: 0 } });
  }, 60_000);

  async function refusals(): Promise<number> {
    const metrics = (await app.request<string>('GET', '/metrics')).body;
    const line = metrics.split('\n').find((l) => /^audit_checkpoint_refusals_total[ {]/.test(l));
    return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
  }
});
