import { recordList } from '@comply/contracts';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { InsertedRecord, insertRecord } from '../testing/record-fixtures';

const HOUR = 3_600_000;

/** Newest first, ties on created_at broken by id: the order the listing promises. */
function newestFirst(records: InsertedRecord[]): string[] {
  return [...records].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((record) => record.id);
}

describe('GET /v1/records', () => {
  let app: CoreStoreTestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  let otherRecord: InsertedRecord;
  // A week ago: inside the partitions the migrations create (previous month onwards).
  const base = Date.now() - 7 * 24 * HOUR;
  let r: InsertedRecord[];

  const list = (query: string, token = tenant.key) => app.request('GET', `/v1/records${query}`, { token });
  const idsOf = async (query: string) => {
    const response = await list(query);
    expect(response.status).toBe(200);
    return recordList.parse(response.body).items.map((item) => item.id);
  };

  beforeAll(async () => {
    app = await startCoreStoreTestApp();
    tenant = await app.createTenant('tenant-list');
    other = await app.createTenant('tenant-other');
    r = [
      await insertRecord(app, tenant.id, { storedAtMs: base + 1 * HOUR, taxonomy: ['PII.Contact.Email'], modelVersion: 'm-1', confidence: 0.95 }),
      await insertRecord(app, tenant.id, { storedAtMs: base + 2 * HOUR, taxonomy: ['PII.Identifier.SSN'], modelVersion: 'm-2', confidence: 0.4 }),
      await insertRecord(app, tenant.id, {
        storedAtMs: base + 3 * HOUR,
        detector: { name: 'secrets-scanner', type: 'secrets', version: '1.0' },
        taxonomy: ['Secrets.Credential.ApiKey'],
        modelVersion: 'm-1',
        confidence: 0.7,
      }),
      // "PII.ContactHistory" starts with the characters "PII.Contact" but is not under it.
      await insertRecord(app, tenant.id, {
        storedAtMs: base + 4 * HOUR,
        detector: { name: 'toxicity', type: 'toxicity', version: '3.1' },
        taxonomy: ['PII.ContactHistory.Note'],
        modelVersion: 'm-2',
        confidence: 0.1,
      }),
      await insertRecord(app, tenant.id, { storedAtMs: base + 5 * HOUR, taxonomy: ['PII.Contact.Phone', 'PCI.Card.Number'], modelVersion: 'm-1', confidence: 0.55 }),
    ];
    otherRecord = await insertRecord(app, other.id, { storedAtMs: base + 3 * HOUR, taxonomy: ['PII.Contact.Email'], modelVersion: 'm-1' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("lists only the caller's records, newest first, as summaries without payloads", async () => {
    const response = await list('');
    expect(response.status).toBe(200);
    const body = recordList.parse(response.body);
    expect(body.items.map((item) => item.id)).toEqual([r[4].id, r[3].id, r[2].id, r[1].id, r[0].id]);
    expect(body.nextCursor).toBeNull();
    expect(body.items[4]).toEqual({
      id: r[0].id,
      requestId: r[0].requestId,
      detector: r[0].detector,
      modelVersion: 'm-1',
      taxonomy: ['PII.Contact.Email'],
      scores: r[0].scores,
      confidence: 0.95,
      latencyMs: r[0].latencyMs,
      occurredAt: r[0].occurredAt.toISOString(),
      createdAt: r[0].createdAt.toISOString(),
      expiresAt: r[0].expiresAt.toISOString(),
      backup: { status: 'pending', backupId: null },
    });
    expect(await idsOf('')).not.toContain(otherRecord.id);
    const ofOther = await list('', other.key);
    expect(recordList.parse(ofOther.body).items.map((item) => item.id)).toEqual([otherRecord.id]);
  });

  it('filters by detector name', async () => {
    expect(await idsOf('?detector=presidio')).toEqual([r[4].id, r[1].id, r[0].id]);
    expect(await idsOf('?detector=toxicity')).toEqual([r[3].id]);
    expect(await idsOf('?detector=unknown')).toEqual([]);
  });

  it('filters by taxonomy label or any label under it, by whole segments', async () => {
    expect(await idsOf('?taxonomy=PII')).toEqual([r[4].id, r[3].id, r[1].id, r[0].id]);
    expect(await idsOf('?taxonomy=PII.Contact')).toEqual([r[4].id, r[0].id]);
    expect(await idsOf('?taxonomy=PII.Contact.Email')).toEqual([r[0].id]);
    expect(await idsOf('?taxonomy=PII.Con')).toEqual([]);
    expect(await idsOf('?taxonomy=PCI')).toEqual([r[4].id]);
  });

  it('filters by model version', async () => {
    expect(await idsOf('?modelVersion=m-2')).toEqual([r[3].id, r[1].id]);
  });

  it('filters by a confidence range, both bounds inclusive', async () => {
    expect(await idsOf('?minConfidence=0.55')).toEqual([r[4].id, r[2].id, r[0].id]);
    expect(await idsOf('?maxConfidence=0.4')).toEqual([r[3].id, r[1].id]);
    expect(await idsOf('?minConfidence=0.4&maxConfidence=0.7')).toEqual([r[4].id, r[2].id, r[1].id]);
  });

  it('filters by storage time, from inclusive and to exclusive', async () => {
    const from = encodeURIComponent(r[1].createdAt.toISOString());
    const to = encodeURIComponent(r[3].createdAt.toISOString());
    expect(await idsOf(`?from=${from}&to=${to}`)).toEqual([r[2].id, r[1].id]);
    expect(await idsOf(`?from=${from}`)).toEqual([r[4].id, r[3].id, r[2].id, r[1].id]);
    expect(await idsOf(`?to=${to}`)).toEqual([r[2].id, r[1].id, r[0].id]);
  });

  it('combines filters', async () => {
    expect(await idsOf('?detector=presidio&taxonomy=PII.Contact&modelVersion=m-1&minConfidence=0.6')).toEqual([r[0].id]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['minConfidence=2', 'minConfidence'],
    ['maxConfidence=-0.1', 'maxConfidence'],
    ['from=yesterday', 'from'],
    ['to=2026-11-01', 'to'],
    ['taxonomy=PII..Contact', 'taxonomy'],
    ['detector=a&detector=b', 'detector'],
    ['tenantId=tenant-other', 'tenantId'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['cursor=%2B%2F%3D', 'cursor'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const response = await list(`?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(`Invalid query: ${field}`);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });

  it('needs an API key with the read scope', async () => {
    expect((await app.request('GET', '/v1/records')).status).toBe(401);
    expect((await list('', await tenant.keyWith(['ingest']))).status).toBe(403);
  });

  describe('pagination', () => {
    let paged: TestTenant;
    let records: InsertedRecord[];

    beforeAll(async () => {
      paged = await app.createTenant('tenant-pages');
      records = [];
      for (let i = 0; i < 8; i += 1) records.push(await insertRecord(app, paged.id, { storedAtMs: base + i * HOUR }));
      // Three records stored in the same millisecond: their order comes from the id alone.
      for (let i = 0; i < 3; i += 1) records.push(await insertRecord(app, paged.id, { storedAtMs: base + 3.5 * HOUR }));
    });

    async function pages(query: string, between?: () => Promise<unknown>): Promise<string[][]> {
      const result: string[][] = [];
      let cursor: string | null = null;
      do {
        const response = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`, paged.key);
        expect(response.status).toBe(200);
        const body = recordList.parse(response.body);
        result.push(body.items.map((item) => item.id));
        cursor = body.nextCursor;
        if (cursor) await between?.();
      } while (cursor);
      return result;
    }

    it('returns every record exactly once, in order, across pages', async () => {
      const result = await pages('?limit=4');
      expect(result.map((page) => page.length)).toEqual([4, 4, 3]);
      expect(result.flat()).toEqual(newestFirst(records));
    });

    it('neither skips nor repeats a record when records are stored between page fetches', async () => {
      const before = newestFirst(records);
      const added: InsertedRecord[] = [];
      const result = await pages('?limit=4', async () => {
        added.push(await insertRecord(app, paged.id));
        added.push(await insertRecord(app, paged.id, { storedAtMs: base + 9 * HOUR }));
      });
      expect(result).toHaveLength(3);
      expect(result.flat()).toEqual(before);
      expect(added).toHaveLength(4);
      // The newcomers are there for a listing that starts afresh.
      expect(await pages('?limit=500')).toEqual([newestFirst([...records, ...added])]);
      records.push(...added);
    });

    it('keeps applying the filters on later pages', async () => {
      const from = encodeURIComponent(new Date(base + 2 * HOUR).toISOString());
      const to = encodeURIComponent(new Date(base + 6 * HOUR).toISOString());
      const expected = newestFirst(records.filter((record) => record.storedAtMs >= base + 2 * HOUR && record.storedAtMs < base + 6 * HOUR));
      const result = await pages(`?limit=2&from=${from}&to=${to}`);
      expect(expected).toHaveLength(7);
      expect(result.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      expect(result.flat()).toEqual(expected);
    });
  });
});
