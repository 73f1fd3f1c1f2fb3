import { randomUUID } from 'node:crypto';
import { merkleRoot } from '../ledger/merkle-tree';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';
import { FrontierBackfill } from './frontier-backfill';

/** The Merkle frontier on audit_logs: kept by every append, and computed for logs from before it was kept. */
describe('Merkle frontier of a log', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
  }, 60_000);

  afterAll(() => app?.close());

  const append = (logId: string, count: number) => app.append(Array.from({ length: count }, (_, i) => incomingAudit(logId, { details: { i } })));
  async function state(logId: string) {
    const leaves = (await app.sql<{ leaf_hash: Buffer }>(`select leaf_hash from audit_log where log_id = $1 order by sequence`, [logId])).map((row) => row.leaf_hash);
    const [head] = await app.sql<{ size: string; frontier: Buffer | null }>(`select size::text, frontier from audit_logs where log_id = $1`, [logId]);
    const root = head?.frontier ? MerkleAccumulator.fromFrontier(Number(head.size), head.frontier).root() : undefined;
    return { leaves, frontier: head?.frontier, root };
  }

  it('moves with every append, in the statement that moves the head', async () => {
    const logId = `kept-${run}`;
    for (const count of [1, 6, 9]) {
      await append(logId, count);
      const { leaves, root } = await state(logId);
      expect(root).toEqual(merkleRoot(leaves));
    }
  });

  it('is computed from the leaves, at start or by the next append, for a log that has none', async () => {
    const atStart = `legacy-start-${run}`;
    const byAppend = `legacy-append-${run}`;
    await append(atStart, 7);
    await append(byAppend, 5);
    await app.sql(`update audit_logs set frontier = null where log_id in ($1, $2)`, [atStart, byAppend]);

    expect(await app.service.app.get(FrontierBackfill).backfillAll()).toEqual(expect.arrayContaining([atStart, byAppend]));
    const backfilled = await state(atStart);
    expect(backfilled.root).toEqual(merkleRoot(backfilled.leaves));

    await app.sql(`update audit_logs set frontier = null where log_id = $1`, [byAppend]);
    await append(byAppend, 2);
    const appended = await state(byAppend);
    expect(appended.leaves).toHaveLength(7);
    expect(appended.root).toEqual(merkleRoot(appended.leaves));
  });

  it('is left unset, with the error logged, for a log whose entries do not run 1..size', async () => {
    const logId = `gapped-${run}`;
    await append(logId, 4);
    await app.sql(`update audit_logs set frontier = null, size = 5 where log_id = $1`, [logId]);
    expect(await app.service.app.get(FrontierBackfill).backfillAll()).not.toContain(logId);
    expect((await state(logId)).frontier).toBeNull();
  });
});
