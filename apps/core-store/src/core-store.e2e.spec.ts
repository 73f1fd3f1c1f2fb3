import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { CoreStoreTestApp, startCoreStoreTestApp } from './testing/core-store-test-app';
import { mappingEvent, SECRET_SOURCE_TEXT } from './testing/mapping-fixtures';

/**
 * The service as producers and consumers meet it: an operator sets up tenants over the admin API,
 * mapping events arrive on the bus, tenants read them back over HTTP, a deletion reaches
 * core-events, and neither tenant ever sees the other's data.
 */
describe('core-store end to end', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('stores bus events per tenant and serves them back over HTTP, isolated, decrypted and cached', async () => {
    const keys: Record<string, string> = {};
    for (const id of ['acme', 'globex']) {
      expect((await app.admin('POST', '/admin/tenants', { id, name: id.toUpperCase() })).status).toBe(201);
      const created = await app.admin('POST', `/admin/tenants/${id}/api-keys`, { name: 'e2e', scopes: ['read', 'admin'] });
      keys[id] = created.body.key;
    }

    const events = Array.from({ length: 60 }, (_, i) => mappingEvent(i % 2 ? 'acme' : 'globex', { metadata: { n: i } }));
    const sender = app.client!.createSender('mapping-events');
    await sender.sendMessages(
      events.map((body) => ({ messageId: randomUUID(), subject: 'mapping.result.v1', body, applicationProperties: { tenantId: body.tenantId } })),
    );
    await sender.close();

    const list = (tenant: string) => app.request('GET', '/v1/records?limit=500', { token: keys[tenant] });
    const acmeList = await until(() => list('acme'), (r) => r.body?.items?.length === 30);
    const globexList = await until(() => list('globex'), (r) => r.body?.items?.length === 30);
    const requestIdsOf = (tenant: string) => new Set(events.filter((e) => e.tenantId === tenant).map((e) => e.requestId));
    expect(new Set(acmeList.body.items.map((r: { requestId: string }) => r.requestId))).toEqual(requestIdsOf('acme'));
    expect(new Set(globexList.body.items.map((r: { requestId: string }) => r.requestId))).toEqual(requestIdsOf('globex'));

    const acmeRecord = acmeList.body.items[0];
    const first = await app.request('GET', `/v1/records/${acmeRecord.id}`, { token: keys.acme });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.body.sourceData.text).toBe(SECRET_SOURCE_TEXT);
    expect((await app.request('GET', `/v1/records/${acmeRecord.id}`, { token: keys.acme })).headers.get('x-cache')).toBe('hit');
    expect((await app.request('GET', `/v1/records/${acmeRecord.id}`, { token: keys.globex })).status).toBe(404);
    expect((await app.request('DELETE', `/v1/records/${acmeRecord.id}`, { token: keys.globex })).status).toBe(404);

    await app.drain('core-events', 'analytics-ingest', { quietMs: 1_000 });
    expect((await app.request('DELETE', `/v1/records/${acmeRecord.id}`, { token: keys.acme })).status).toBe(204);
    const deleted = await until(
      () => app.drain('core-events', 'analytics-ingest', { quietMs: 500 }),
      (messages) => messages.length > 0,
    );
    expect(deleted.map((m) => [m.subject, (m.body as { recordId: string }).recordId])).toEqual([['record.deleted.v1', acmeRecord.id]]);
    expect((await app.request('GET', `/v1/records/${acmeRecord.id}`, { token: keys.acme })).status).toBe(404);
    expect((await list('acme')).body.items).toHaveLength(29);
  }, 90_000);
});
