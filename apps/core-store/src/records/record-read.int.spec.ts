import { storedRecord } from '@comply/contracts';
import { FieldEncryptor } from '@comply/crypto';
import { testRedisUrl } from '@comply/testing';
import { Redis } from 'ioredis';
import { recordCacheKey } from '../cache/record-cache-key';
import { uuidv7 } from '../database/uuidv7';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { insertRecord } from '../testing/record-fixtures';

describe('GET /v1/records/:id', () => {
  let app: CoreStoreTestApp;
  let redis: Redis;
  let tenantA: TestTenant;
  let tenantB: TestTenant;

  const cached = (tenantId: string, id: string) => redis.get(`core-store:${recordCacheKey(tenantId, id)}`);

  beforeAll(async () => {
    app = await startCoreStoreTestApp();
    redis = new Redis(testRedisUrl());
    tenantA = await app.createTenant('tenant-a');
    tenantB = await app.createTenant('tenant-b');
  });

  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  it('returns the stored record with its source data decrypted, while the column holds only ciphertext', async () => {
    const record = await insertRecord(app, tenantA.id, {
      taxonomy: ['PII.Contact.Email', 'PII.Identifier.SSN'],
      scores: { 'PII.Contact.Email': 0.91, 'PII.Identifier.SSN': 0.42 },
      confidence: 0.91,
      backupStatus: 'backed_up',
      backupRef: 'backup-2026-11-21',
    });

    const response = await app.request('GET', `/v1/records/${record.id}`, { token: tenantA.key });

    expect(response.status).toBe(200);
    expect(storedRecord.parse(response.body)).toEqual({
      id: record.id,
      requestId: record.requestId,
      detector: record.detector,
      modelVersion: record.modelVersion,
      taxonomy: ['PII.Contact.Email', 'PII.Identifier.SSN'],
      scores: { 'PII.Contact.Email': 0.91, 'PII.Identifier.SSN': 0.42 },
      confidence: 0.91,
      latencyMs: record.latencyMs,
      occurredAt: record.occurredAt.toISOString(),
      createdAt: record.createdAt.toISOString(),
      expiresAt: record.expiresAt.toISOString(),
      backup: { status: 'backed_up', backupId: 'backup-2026-11-21' },
      correlationId: record.correlationId,
      sourceData: record.sourceData,
      metadata: record.metadata,
      provenance: record.provenance,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [raw] = await app.sql<{ source_data: string }>(`select source_data from storage_records where id = $1`, [record.id]);
    expect(raw.source_data).toMatch(/^v1\./);
    expect(raw.source_data).not.toContain(String(record.sourceData.text));
  });

  it("answers another tenant's id exactly like a malformed or unknown one: 404, same body", async () => {
    const recordOfB = await insertRecord(app, tenantB.id);

    const crossTenant = await app.request('GET', `/v1/records/${recordOfB.id}`, { token: tenantA.key });
    const unknown = await app.request('GET', `/v1/records/${uuidv7()}`, { token: tenantA.key });
    const notUuidV7 = await app.request('GET', '/v1/records/3b241101-e2bb-4255-8caf-4136c566a962', { token: tenantA.key });
    const notUuid = await app.request('GET', "/v1/records/1'%20or%20'1'='1", { token: tenantA.key });

    for (const response of [crossTenant, unknown, notUuidV7, notUuid]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual(crossTenant.body);
    }
    expect(JSON.stringify(crossTenant.body)).not.toContain(recordOfB.id);
    expect(await cached(tenantA.id, recordOfB.id)).toBeNull();
    expect((await app.request('GET', `/v1/records/${recordOfB.id}`, { token: tenantB.key })).status).toBe(200);
  });

  it('caches the record with its source data still encrypted, and serves it from there until it is deleted', async () => {
    const record = await insertRecord(app, tenantA.id);
    const plaintext = String(record.sourceData.text);
    expect(await cached(tenantA.id, record.id)).toBeNull();

    const first = await app.request('GET', `/v1/records/${record.id}`, { token: tenantA.key });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    const entry = await cached(tenantA.id, record.id);
    expect(entry).toContain(record.id);
    expect(entry).toContain('v1.');
    expect(entry).not.toContain(plaintext);

    // Changed behind the cache: a real hit still shows the old row.
    await app.sql(`update storage_records set model_version = 'changed-behind-the-cache' where id = $1`, [record.id]);
    const second = await app.request('GET', `/v1/records/${record.id}`, { token: tenantA.key });
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body.modelVersion).toBe(record.modelVersion);
    expect(second.body.sourceData).toEqual(record.sourceData);

    expect((await app.request('DELETE', `/v1/records/${record.id}`, { token: tenantA.key })).status).toBe(204);
    expect(await cached(tenantA.id, record.id)).toBeNull();
    expect((await app.request('GET', `/v1/records/${record.id}`, { token: tenantA.key })).status).toBe(404);
  });

  it("answers 410 Gone once the tenant's data keys are destroyed", async () => {
    const shredded = await app.createTenant('tenant-shredded');
    const record = await insertRecord(app, shredded.id);
    await app.service.app.get(FieldEncryptor).destroyTenantKeys(shredded.id);

    const response = await app.request('GET', `/v1/records/${record.id}`, { token: shredded.key });

    expect(response.status).toBe(410);
    expect(response.body).toEqual({ statusCode: 410, error: 'Gone', message: 'record data was erased' });
    expect(response.headers.get('x-cache')).toBeNull();
  });

  it('needs an API key with the read scope', async () => {
    const record = await insertRecord(app, tenantA.id);
    const ingestOnly = await tenantA.keyWith(['ingest']);
    const adminOnly = await tenantA.keyWith(['admin']);

    const anonymous = await app.request('GET', `/v1/records/${record.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await app.request('GET', `/v1/records/${record.id}`, { token: ingestOnly })).status).toBe(403);
    expect((await app.request('GET', `/v1/records/${record.id}`, { token: adminOnly })).status).toBe(403);
    expect((await app.request('GET', `/v1/records/${record.id}`, { token: await tenantA.keyWith(['read']) })).status).toBe(200);
  });
});
