import { uuidv7Time } from '../database/uuidv7';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { mappingSubmission, SECRET_SOURCE_TEXT } from '../testing/mapping-fixtures';

/** POST /v1/mappings against real PostgreSQL and Redis; events are read from the outbox table (no relay here). */
describe('POST /v1/mappings', () => {
  let app: CoreStoreTestApp;
  let acme: TestTenant;
  let globex: TestTenant;

  const submit = (tenant: TestTenant | string, body: unknown, headers: Record<string, string> = {}) =>
    app.request('POST', '/v1/mappings', { token: typeof tenant === 'string' ? tenant : tenant.key, body, headers });

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ env: { INGEST_MAX_BODY_BYTES: String(2 * 1024 * 1024) } });
    acme = await app.createTenant('acme', { retentionDays: 30 });
    globex = await app.createTenant('globex');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('stores one mapping: 202 with a UUIDv7 record id, the row encrypted at rest, expiry from the tenant retention', async () => {
    const mapping = mappingSubmission();
    const response = await submit(acme, mapping);
    expect(response.status).toBe(202);
    const [record] = response.body.records;
    expect(record).toEqual({ requestId: mapping.requestId, recordId: expect.any(String), status: 'stored' });
    const [row] = await app.sql('select * from storage_records where id = $1', [record.recordId]);
    expect(row).toMatchObject({
      tenant_id: 'acme',
      request_id: mapping.requestId,
      detector_name: 'presidio',
      taxonomy: mapping.taxonomy,
      taxonomy_paths: expect.arrayContaining(['PII', 'PII.Identifier', 'PII.Identifier.SSN', 'PII.Person', 'PII.Person.Name']),
      metadata: mapping.metadata,
      backup_status: 'pending',
    });
    expect(row.created_at.getTime()).toBe(uuidv7Time(record.recordId)!.getTime());
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(30 * 86_400_000);
    expect(row.source_data).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const everyColumn = JSON.stringify(await app.sql('select * from storage_records'));
    expect(everyColumn).not.toContain('078-05-1120');
    expect(everyColumn).not.toContain(SECRET_SOURCE_TEXT);
  });

  it('emits one record.stored.v1 (no sensitive data) per stored record and one audit.event.v1 listing them, correlated with the request', async () => {
    const mappings = [mappingSubmission(), mappingSubmission(), mappingSubmission()];
    const response = await submit(acme, mappings, { 'x-request-id': 'ingest-correlation-1' });
    expect(response.status).toBe(202);
    const ids = response.body.records.map((r: { recordId: string }) => r.recordId);
    const stored = (await app.outbox('record.stored.v1')).filter((e) => ids.includes(e.body.recordId));
    expect(stored.map((e) => e.body.recordId).sort()).toEqual([...ids].sort());
    for (const event of stored) {
      expect(event).toMatchObject({ tenant_id: 'acme', correlation_id: 'ingest-correlation-1' });
      expect(Object.keys(event.body).sort()).toEqual(['confidence', 'detector', 'latencyMs', 'modelVersion', 'recordId', 'requestId', 'storedAt', 'taxonomy', 'tenantId']);
    }
    expect(JSON.stringify(stored)).not.toContain(SECRET_SOURCE_TEXT);
    const audits = (await app.outbox('audit.event.v1')).filter((e) => e.correlation_id === 'ingest-correlation-1');
    expect(audits).toHaveLength(1);
    expect(audits[0].body).toMatchObject({ action: 'record.create', outcome: 'success', actor: { type: 'api_key' }, tenantId: 'acme', resource: { type: 'record' } });
    expect(audits[0].body.details).toEqual({ channel: 'http', recordIds: ids });
  });

  it('is idempotent on (tenant, requestId): a resend returns the same id and emits nothing new', async () => {
    const mapping = mappingSubmission();
    const first = await submit(acme, mapping);
    const eventsBefore = (await app.outbox()).length;
    const again = await submit(acme, { ...mapping, confidence: 0.1 });
    expect(again.status).toBe(202);
    expect(again.body.records).toEqual([{ requestId: mapping.requestId, recordId: first.body.records[0].recordId, status: 'duplicate' }]);
    expect((await app.outbox()).length).toBe(eventsBefore);
    const rows = await app.sql('select confidence from storage_records where request_id = $1', [mapping.requestId]);
    expect(rows).toEqual([{ confidence: mapping.confidence }]);
  });

  it('stores a request id repeated within one batch once', async () => {
    const mapping = mappingSubmission();
    const response = await submit(acme, [mapping, mappingSubmission(), mapping]);
    const [a, , c] = response.body.records;
    expect(a.status).toBe('stored');
    expect(c).toEqual({ requestId: mapping.requestId, recordId: a.recordId, status: 'duplicate' });
    expect(await app.sql('select id from storage_records where request_id = $1', [mapping.requestId])).toHaveLength(1);
  });

  it('stores a request id submitted concurrently exactly once', async () => {
    const mapping = mappingSubmission();
    const responses = await Promise.all(Array.from({ length: 12 }, () => submit(acme, mapping)));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(202));
    const ids = new Set(responses.map((r) => r.body.records[0].recordId));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.body.records[0].status === 'stored')).toHaveLength(1);
    expect(await app.sql('select id from storage_records where request_id = $1', [mapping.requestId])).toHaveLength(1);
    const stored = (await app.outbox('record.stored.v1')).filter((e) => e.body.requestId === mapping.requestId);
    expect(stored).toHaveLength(1);
  });

  it('keeps tenants apart: the same request id in two tenants is two records', async () => {
    const mapping = mappingSubmission();
    const fromAcme = await submit(acme, mapping);
    const fromGlobex = await submit(globex, mapping);
    expect(fromGlobex.body.records[0].status).toBe('stored');
    expect(fromGlobex.body.records[0].recordId).not.toBe(fromAcme.body.records[0].recordId);
    const rows = await app.sql('select tenant_id from storage_records where request_id = $1 order by tenant_id', [mapping.requestId]);
    expect(rows).toEqual([{ tenant_id: 'acme' }, { tenant_id: 'globex' }]);
  });

  it('answers 400 naming every invalid field, for one mapping and within a batch, and stores nothing', async () => {
    const before = await app.sql('select count(*)::int as n from storage_records');
    const single = await submit(acme, { ...mappingSubmission(), confidence: 1.5, detector: { name: '', type: 'pii', version: '1' } });
    expect(single.status).toBe(400);
    expect(single.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['confidence', 'detector.name']);
    expect(single.body.message).toMatch(/confidence/);

    const withTenant = await submit(acme, { ...mappingSubmission(), tenantId: 'globex' });
    expect(withTenant.status).toBe(400);
    expect(withTenant.body.issues).toEqual([{ path: 'tenantId', message: 'Unrecognized key "tenantId"' }]);

    const batch = await submit(acme, [mappingSubmission(), mappingSubmission({ scores: { 'PII.Identifier.SSN': 0.9 } }), { requestId: 'x' }]);
    expect(batch.status).toBe(400);
    const paths = batch.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('[1].scores["PII.Person.Name"]');
    expect(paths).toEqual(expect.arrayContaining(['[2].detector', '[2].sourceData', '[2].taxonomy']));
    expect(paths.some((p: string) => p.startsWith('[0]'))).toBe(false);

    expect((await submit(acme, [])).status).toBe(400);
    const notJson = await app.request('POST', '/v1/mappings', { token: acme.key, rawBody: '{"requestId":' });
    expect(notJson.status).toBe(400);
    expect(await app.sql('select count(*)::int as n from storage_records')).toEqual(before);
  });

  it('answers 401 without a valid key and 403 for a key without the ingest scope', async () => {
    const none = await app.request('POST', '/v1/mappings', { body: mappingSubmission() });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await submit('csk_AAAAAAAAAAAA_' + 'A'.repeat(43), mappingSubmission())).status).toBe(401);
    const reader = await acme.keyWith(['read']);
    const forbidden = await submit(reader, mappingSubmission());
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/ingest/);
  });

  it('answers 413 for more than 500 mappings and for a body over the size limit', async () => {
    const tooMany = await submit(acme, Array.from({ length: 501 }, () => mappingSubmission()));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toMatch(/500/);
    const huge = await submit(acme, mappingSubmission({ sourceData: { text: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
  });

  it('answers 400 naming every mapping whose detector the tenant does not allow, storing none', async () => {
    const strict = await app.createTenant('strict', { allowedDetectors: ['gitleaks'] });
    const gitleaks = () => mappingSubmission({ detector: { name: 'gitleaks', type: 'secrets', version: '8' } });
    const refused = await submit(strict, [gitleaks(), mappingSubmission(), gitleaks(), mappingSubmission()]);
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: '[1].detector.name', message: expect.stringMatching(/presidio.*not allowed/) },
      { path: '[3].detector.name', message: expect.stringMatching(/presidio.*not allowed/) },
    ]);
    expect(await app.sql(`select id from storage_records where tenant_id = 'strict'`)).toEqual([]);
  });

  it('enforces the monthly quota with 429 and Retry-After, storing nothing of a submission over it', async () => {
    const small = await app.createTenant('small', { monthlyRecordQuota: 3 });
    expect((await submit(small, [mappingSubmission(), mappingSubmission()])).status).toBe(202);
    const over = await submit(small, [mappingSubmission(), mappingSubmission()]);
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/quota of 3 reached.*1 of 2 new records fit/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const last = mappingSubmission();
    expect((await submit(small, last)).status).toBe(202);
    // At the limit, a resend is still answered: duplicates cost nothing.
    const resent = await submit(small, last);
    expect(resent.status).toBe(202);
    expect(resent.body.records[0].status).toBe('duplicate');
    expect(await app.sql(`select count(*)::int as n from storage_records where tenant_id = 'small'`)).toEqual([{ n: 3 }]);
    expect(await app.sql(`select records from tenant_usage where tenant_id = 'small'`)).toEqual([{ records: 3 }]);
  });
});
