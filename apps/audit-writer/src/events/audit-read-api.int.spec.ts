import { auditEventList, auditVerification, consistencyProof, inclusionProof } from '@comply/contracts';
import { randomUUID } from 'node:crypto';
import { canonicalBytes } from '../ledger/canonical-json';
import { leafHash, merkleRoot, verifyConsistency, verifyInclusion } from '../ledger/merkle-tree';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

/** The read API over logs appended through the capture service: who sees what, search, pages, verification and proofs. */
describe('audit read API', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;
  let tenantA: { id: string; key: string };
  let tenantB: { id: string; key: string };

  const events = (path: string, token: string) => app.request('GET', `/v1/audit/events${path}`, { token });

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    tenantA = await app.createTenant(`a-${run}`);
    tenantB = await app.createTenant(`b-${run}`);
    const batch = [
      ...Array.from({ length: 30 }, (_, i) =>
        incomingAudit(tenantA.id, {
          action: i % 3 === 0 ? 'api_key.create' : 'record.delete',
          actor: { type: i % 2 === 0 ? 'api_key' : 'user', id: `actor-${i % 4}` },
          resource: { type: 'record', id: `r-${i}` },
          outcome: i === 7 ? 'denied' : 'success',
          occurredAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        }),
      ),
      ...Array.from({ length: 5 }, () => incomingAudit(tenantB.id, { action: 'tenant.update' })),
      incomingAudit(undefined, { action: 'plan.create', resource: { type: 'plan', id: 'team' }, actor: { type: 'user', id: 'platform-admin' } }),
    ];
    await app.append(batch.slice(0, 20));
    await app.append(batch.slice(20));
  }, 60_000);

  afterAll(() => app?.close());

  describe('GET /v1/audit/events', () => {
    it("shows a tenant's key its own log only, with sequences, hashes and canonical bytes that recompute", async () => {
      const response = await events('?limit=500', tenantA.key);
      expect(response.status).toBe(200);
      const list = auditEventList.parse(response.body);
      expect(list.items.map((item) => item.sequence)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(new Set(list.items.map((item) => item.tenantId))).toEqual(new Set([tenantA.id]));
      for (const item of list.items) {
        const canonical = Buffer.from(item.canonical, 'base64');
        expect(leafHash(canonical).toString('hex')).toBe(item.leafHash);
        const { canonical: _c, leafHash: _l, prevHash: _p, hash: _h, ...fields } = item;
        expect(canonical).toEqual(canonicalBytes({ v: 1, ...fields }));
      }
      expect(list.items[0]).toMatchObject({ log: tenantA.id, source: { service: 'core-store', host: 'core-store-7d9f', ip: '203.0.113.7', userAgent: 'curl/8.5.0' } });
    });

    it("answers another tenant's log as unknown, and the platform log too", async () => {
      expect((await events(`?log=${tenantB.id}`, tenantA.key)).status).toBe(404);
      expect((await events(`?tenantId=${tenantB.id}`, tenantA.key)).status).toBe(404);
      expect((await events('?log=platform', tenantA.key)).status).toBe(404);
      expect((await events(`?correlationId=${(await events('', tenantB.key)).body.items[0].correlationId}`, tenantA.key)).body.items).toEqual([]);
    });

    it('shows the admin token any log it names, the platform log included, asks it to name one, and 404s a log nobody wrote to', async () => {
      expect((await events(`?log=${tenantA.id}`, app.adminToken)).body.items).toHaveLength(30);
      expect((await events(`?tenantId=${tenantB.id}`, app.adminToken)).body.items).toHaveLength(5);
      const platform = await events('?log=platform', app.adminToken);
      expect(platform.status).toBe(200);
      expect(platform.body.items).toEqual([expect.objectContaining({ log: 'platform', sequence: 1, action: 'plan.create' })]);
      expect(platform.body.items[0]).not.toHaveProperty('tenantId');
      const unnamed = await events('', app.adminToken);
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.issues).toEqual([expect.objectContaining({ path: 'log' })]);
      const unknown = await events('?log=nobody', app.adminToken);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe('No such audit log');
    });

    it('filters by time range, actor, action, resource, correlation id and outcome', async () => {
      const sequences = async (query: string) => (await events(query, tenantA.key)).body.items.map((item: { sequence: number }) => item.sequence);
      expect(await sequences('?from=2026-01-05T00:00:00Z&to=2026-01-08T00:00:00Z')).toEqual([5, 6, 7]);
      expect(await sequences('?action=api_key.create&actorType=api_key')).toEqual([1, 7, 13, 19, 25]);
      expect(await sequences('?actorId=actor-3')).toEqual([4, 8, 12, 16, 20, 24, 28]);
      expect(await sequences('?resourceType=record&resourceId=r-9')).toEqual([10]);
      expect(await sequences('?outcome=denied')).toEqual([8]);
      const first = (await events('?limit=1', tenantA.key)).body.items[0];
      expect(await sequences(`?correlationId=${first.correlationId}`)).toEqual([1]);
    });

    it('pages with an opaque cursor through every entry exactly once', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: Array<{ sequence: number }>; nextCursor: string | null } } = await events(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`, tenantA.key);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item) => item.sequence));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['from=yesterday', 'from'],
      ['to=2026-01-01T00:00:00', 'to'],
      ['outcome=ok', 'outcome'],
      ['actorType=robot', 'actorType'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['cursor=%25%25', 'cursor'],
      ['color=red', 'color'],
      ['log=a%20b', 'log'],
    ])('refuses %s with 400 naming %s', async (query, field) => {
      const response = await events(`?${query}`, tenantA.key);
      expect(response.status).toBe(400);
      expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    });

    it('refuses a request without credentials, and a key without the read scope', async () => {
      expect((await app.request('GET', '/v1/audit/events')).status).toBe(401);
      const ingestOnly = await app.createTenant(`c-${run}`, ['ingest']);
      expect((await events('', ingestOnly.key)).status).toBe(403);
    });
  });

  describe('GET /v1/audit/verify', () => {
    it('finds an untouched log intact, the platform log too', async () => {
      const response = await app.request('GET', '/v1/audit/verify', { token: tenantA.key });
      expect(response.status).toBe(200);
      expect(auditVerification.parse(response.body)).toEqual({ logId: tenantA.id, intact: true, entriesChecked: 30 });
      expect((await app.request('GET', '/v1/audit/verify?log=platform', { token: app.adminToken })).body).toEqual({ logId: 'platform', intact: true, entriesChecked: 1 });
      expect((await app.request('GET', '/v1/audit/verify?log=nobody', { token: app.adminToken })).status).toBe(404);
    });

    it('locates an entry whose details were changed behind the triggers, and one whose canonical bytes were', async () => {
      const tenant = await app.createTenant(`tampered-${run}`);
      await app.append(Array.from({ length: 12 }, (_, i) => incomingAudit(tenant.id, { details: { n: i } })));
      await tamper(`UPDATE audit_log SET details = '{"n": 99}' WHERE log_id = '${tenant.id}' AND sequence = 7`);
      const verdict = await app.request('GET', '/v1/audit/verify', { token: tenant.key });
      expect(verdict.body).toEqual({
        logId: tenant.id,
        intact: false,
        entriesChecked: 6,
        firstBroken: { sequence: 7, reason: 'content-mismatch' },
        detail: 'Entry 7 is the first that does not fit: a column differs from its canonical bytes.',
      });

      await tamper(`UPDATE audit_log SET details = '{"n": 6}', canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"n":3', '"n":33'), 'UTF8') WHERE log_id = '${tenant.id}' AND sequence IN (4, 7)`);
      const rewritten = await app.request('GET', '/v1/audit/verify', { token: tenant.key });
      expect(rewritten.body).toMatchObject({ intact: false, entriesChecked: 3, firstBroken: { sequence: 4, reason: 'hash-mismatch' } });
    });
  });

  /** A change made as a superuser with triggers off, as an attacker with database access would. */
  async function tamper(statement: string): Promise<void> {
    await app.sql(`DO $$ BEGIN SET LOCAL session_replication_role = replica; ${statement}; END $$`);
  }

  describe('proofs', () => {
    async function leavesOf(logId: string): Promise<Buffer[]> {
      const rows = await app.sql<{ leaf_hash: Buffer }>(`SELECT leaf_hash FROM audit_log WHERE log_id = $1 ORDER BY sequence`, [logId]);
      return rows.map((row) => row.leaf_hash);
    }

    it('proves each entry included in the whole log and in an earlier tree', async () => {
      const leaves = await leavesOf(tenantA.id);
      for (const [sequence, treeSize] of [[1, 30], [17, 30], [30, 30], [5, 5], [9, 21]] as const) {
        const response = await app.request('GET', `/v1/audit/proofs/inclusion?sequence=${sequence}&treeSize=${treeSize}`, { token: tenantA.key });
        expect(response.status).toBe(200);
        const proof = inclusionProof.parse(response.body);
        expect(proof).toMatchObject({ logId: tenantA.id, sequence, treeSize });
        const leaf = leafHash(Buffer.from(proof.canonical, 'base64'));
        expect(leaf.toString('hex')).toBe(proof.leafHash);
        const path = proof.path.map((hash) => Buffer.from(hash, 'hex'));
        expect(verifyInclusion(leaf, sequence - 1, treeSize, path, merkleRoot(leaves.slice(0, treeSize)))).toBe(true);
        expect(verifyInclusion(leaf, sequence - 1, treeSize, path, merkleRoot(leaves.slice(0, treeSize - 1)))).toBe(false);
      }
      const whole = await app.request('GET', '/v1/audit/proofs/inclusion?sequence=3', { token: tenantA.key });
      expect(whole.body.treeSize).toBe(30);
    });

    it('proves every earlier tree consistent with a later one', async () => {
      const leaves = await leavesOf(tenantA.id);
      for (const [from, to] of [[1, 30], [7, 30], [16, 16], [13, 29]] as const) {
        const response = await app.request('GET', `/v1/audit/proofs/consistency?from=${from}&to=${to}`, { token: tenantA.key });
        expect(response.status).toBe(200);
        const proof = consistencyProof.parse(response.body);
        expect(proof).toMatchObject({ logId: tenantA.id, oldSize: from, newSize: to });
        const path = proof.path.map((hash) => Buffer.from(hash, 'hex'));
        expect(verifyConsistency(from, to, merkleRoot(leaves.slice(0, from)), merkleRoot(leaves.slice(0, to)), path)).toBe(true);
      }
    });

    it('refuses sizes beyond the log (404), bad numbers and from > to (400 naming the field), and other tenants\' logs', async () => {
      const prove = (path: string, token = tenantA.key) => app.request('GET', `/v1/audit/proofs/${path}`, { token });
      expect((await prove('inclusion?sequence=31')).status).toBe(404);
      expect((await prove('inclusion?sequence=3&treeSize=31')).status).toBe(404);
      expect((await prove('consistency?from=2&to=31')).status).toBe(404);
      for (const [path, field] of [['inclusion?sequence=0', 'sequence'], ['inclusion', 'sequence'], ['inclusion?sequence=1&treeSize=x', 'treeSize'], ['consistency?from=5&to=4', 'from'], ['consistency?from=1', 'to']]) {
        const response = await prove(path as string);
        expect({ path, status: response.status, fields: response.body.issues?.map((issue: { path: string }) => issue.path) }).toEqual({ path, status: 400, fields: [field] });
      }
      expect((await prove(`inclusion?sequence=1&log=${tenantA.id}`, tenantB.key)).status).toBe(404);
      expect((await prove(`inclusion?sequence=1&log=${tenantA.id}`, app.adminToken)).status).toBe(200);
    });
  });
});
