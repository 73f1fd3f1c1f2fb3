import { hostname } from 'node:os';
import { auditEventV1, recordDeletedV1 } from '@comply/contracts';
import { parseApiKey } from '@comply/tenant-directory';
import { uuidv7 } from '../database/uuidv7';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { insertRecord } from '../testing/record-fixtures';

describe('DELETE /v1/records/:id', () => {
  let app: CoreStoreTestApp;
  let tenantA: TestTenant;
  let tenantB: TestTenant;

  const rowCount = async (id: string) => (await app.sql(`select 1 from storage_records where id = $1`, [id])).length;
  const eventsAbout = async (recordId: string) => ({
    deleted: (await app.outbox('record.deleted.v1')).filter((row) => row.body.recordId === recordId),
    audited: (await app.outbox('audit.event.v1')).filter((row) => row.body.resource?.id === recordId),
  });

  beforeAll(async () => {
    app = await startCoreStoreTestApp();
    tenantA = await app.createTenant('tenant-a');
    tenantB = await app.createTenant('tenant-b');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('deletes the record with one record.deleted.v1 and one audit event, keeping its idempotency ledger row', async () => {
    const record = await insertRecord(app, tenantA.id);
    const adminKey = await tenantA.keyWith(['admin']);
    const [key] = await app.sql<{ id: string }>(`select id from api_keys where prefix = $1`, [parseApiKey(adminKey)!.prefix]);

    const response = await app.request('DELETE', `/v1/records/${record.id}`, { token: adminKey, headers: { 'x-request-id': 'req-delete-1' } });

    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(await rowCount(record.id)).toBe(0);
    expect(await app.sql(`select record_id from storage_record_keys where tenant_id = $1 and request_id = $2`, [tenantA.id, record.requestId])).toEqual([
      { record_id: record.id },
    ]);
    const { deleted, audited } = await eventsAbout(record.id);
    expect(deleted).toHaveLength(1);
    expect(recordDeletedV1.parse(deleted[0].body)).toEqual({
      tenantId: tenantA.id,
      recordId: record.id,
      reason: 'request',
      deletedAt: expect.any(String),
    });
    expect(deleted[0]).toMatchObject({ tenant_id: tenantA.id, correlation_id: 'req-delete-1' });
    expect(audited).toHaveLength(1);
    expect(auditEventV1.parse(audited[0].body)).toEqual({
      actor: { type: 'api_key', id: key.id },
      action: 'record.delete',
      resource: { type: 'record', id: record.id },
      outcome: 'success',
      tenantId: tenantA.id,
      correlationId: 'req-delete-1',
      occurredAt: deleted[0].body.deletedAt,
      source: { service: 'core-store', host: hostname(), ip: '127.0.0.1', userAgent: expect.any(String) },
    });
    expect(audited[0]).toMatchObject({ tenant_id: tenantA.id, correlation_id: 'req-delete-1' });

    const again = await app.request('DELETE', `/v1/records/${record.id}`, { token: adminKey });
    expect(again.status).toBe(404);
    const after = await eventsAbout(record.id);
    expect(after.deleted).toHaveLength(1);
    expect(after.audited).toHaveLength(1);
  });

  it("answers another tenant's id like an unknown one, and leaves that record and the outbox alone", async () => {
    const recordOfB = await insertRecord(app, tenantB.id);
    const outboxBefore = (await app.outbox()).length;

    const crossTenant = await app.request('DELETE', `/v1/records/${recordOfB.id}`, { token: tenantA.key });
    const unknown = await app.request('DELETE', `/v1/records/${uuidv7()}`, { token: tenantA.key });
    const malformed = await app.request('DELETE', '/v1/records/not-a-record-id', { token: tenantA.key });

    for (const response of [crossTenant, unknown, malformed]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual(crossTenant.body);
    }
    expect(await rowCount(recordOfB.id)).toBe(1);
    expect(await app.outbox()).toHaveLength(outboxBefore);
    expect((await app.request('GET', `/v1/records/${recordOfB.id}`, { token: tenantB.key })).status).toBe(200);
  });

  it('needs an API key with the admin scope', async () => {
    const record = await insertRecord(app, tenantA.id);

    expect((await app.request('DELETE', `/v1/records/${record.id}`)).status).toBe(401);
    expect((await app.request('DELETE', `/v1/records/${record.id}`, { token: await tenantA.keyWith(['read']) })).status).toBe(403);
    expect((await app.request('DELETE', `/v1/records/${record.id}`, { token: await tenantA.keyWith(['ingest', 'read']) })).status).toBe(403);
    expect(await rowCount(record.id)).toBe(1);
    expect((await eventsAbout(record.id)).deleted).toHaveLength(0);
  });
});
