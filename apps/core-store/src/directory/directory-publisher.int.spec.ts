import { EVENT_SCHEMAS, isEventType } from '@comply/contracts';
import { parseApiKey } from '@comply/tenant-directory';
import { createHash } from 'node:crypto';
import { CoreStoreTestApp, OutboxRow, startCoreStoreTestApp } from '../testing/core-store-test-app';

const DIRECTORY_SUBJECT = /^(tenant|apikey)\./;

/** core-store as the source of the tenant directory: what each admin change announces on tenant-events. */
describe('tenant directory events', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function directoryEvents(tenantId: string): Promise<OutboxRow[]> {
    const rows = (await app.outbox()).filter((row) => DIRECTORY_SUBJECT.test(row.subject) && row.tenant_id === tenantId);
    for (const row of rows) {
      expect(isEventType(row.subject)).toBe(true);
      expect(EVENT_SCHEMAS[row.subject as keyof typeof EVENT_SCHEMAS].safeParse(row.body).success).toBe(true);
    }
    return rows;
  }

  it('announces each change with the whole state and a version that only grows, correlated with the request', async () => {
    const created = await app.admin('POST', '/admin/tenants', { id: 'dir-acme', name: 'Acme', plan: 'free', retentionDays: 30 });
    expect(created.status).toBe(201);
    const issued = await app.admin('POST', '/admin/tenants/dir-acme/api-keys', { name: 'ci', scopes: ['read'] });
    expect(issued.status).toBe(201);
    expect((await app.admin('PATCH', '/admin/tenants/dir-acme', { plan: 'pro' })).status).toBe(200);
    expect((await app.admin('PATCH', '/admin/tenants/dir-acme/config', { retentionDays: 90 })).status).toBe(200);
    expect((await app.admin('PATCH', '/admin/tenants/dir-acme/config', { defaultModelVersion: 'm-2' })).status).toBe(200);
    expect((await app.admin('PATCH', '/admin/tenants/dir-acme', { status: 'suspended' })).status).toBe(200);
    expect((await app.admin('DELETE', `/admin/tenants/dir-acme/api-keys/${issued.body.id}`)).status).toBe(204);
    expect((await app.admin('DELETE', `/admin/tenants/dir-acme/api-keys/${issued.body.id}`)).status).toBe(204);

    const events = await directoryEvents('dir-acme');
    expect(events.map((e) => [e.subject, e.body.version])).toEqual([
      ['tenant.created.v1', 1],
      ['apikey.created.v1', 1],
      ['tenant.updated.v1', 2],
      ['tenant.updated.v1', 3],
      ['tenant.updated.v1', 4],
      ['apikey.revoked.v1', 2],
    ]);
    expect(events[0].correlation_id).toBe(created.headers.get('x-request-id'));
    expect(events[3].body).toMatchObject({ name: 'Acme', plan: 'pro', status: 'active', retentionDays: 90 });
    expect(events[4].body).toMatchObject({ status: 'suspended', retentionDays: 90 });
    const { secret } = parseApiKey(issued.body.key)!;
    expect(events[5].body).toMatchObject({
      keyId: issued.body.id,
      prefix: issued.body.prefix,
      secretHash: createHash('sha256').update(secret).digest('hex'),
      scopes: ['read'],
      revokedAt: expect.any(String),
    });
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('announces an erasure as tenant.erased.v1 at a newer version', async () => {
    await app.admin('POST', '/admin/tenants', { id: 'dir-gone', name: 'Gone' });
    expect((await app.admin('POST', '/admin/tenants/dir-gone/erase')).status).toBe(200);
    const events = await directoryEvents('dir-gone');
    expect(events.map((e) => [e.subject, e.body.version])).toEqual([
      ['tenant.created.v1', 1],
      ['tenant.erased.v1', 2],
    ]);
  });

  it('announces nothing for a change that fails', async () => {
    await app.admin('POST', '/admin/tenants', { id: 'dir-same', name: 'Same' });
    expect((await app.admin('POST', '/admin/tenants', { id: 'dir-same', name: 'Again' })).status).toBe(409);
    expect((await app.admin('PATCH', '/admin/tenants/dir-gone', { name: 'Back' })).status).toBe(409);
    expect((await directoryEvents('dir-same')).map((e) => e.subject)).toEqual(['tenant.created.v1']);
    expect((await directoryEvents('dir-gone')).map((e) => e.subject)).toEqual(['tenant.created.v1', 'tenant.erased.v1']);
  });

  it('republishes the current state of every tenant and key at their current versions', async () => {
    await app.createTenant('dir-direct');
    const before = (await app.outbox()).length;
    const response = await app.admin('POST', '/admin/directory/republish');
    expect(response.status).toBe(200);
    const tenants = await app.sql<{ id: string; status: string; version: string }>('select id, status, version from tenants order by id');
    const keys = await app.sql<{ id: string; tenant_id: string; version: string; revoked: boolean }>(
      `select k.id, k.tenant_id, k.version, k.revoked_at is not null as revoked from api_keys k join tenants t on t.id = k.tenant_id where t.status <> 'erased'`,
    );
    expect(response.body).toEqual({ tenants: tenants.length, apiKeys: keys.length });
    const republished = (await app.outbox()).slice(before);
    expect(republished.every((row) => row.correlation_id === response.headers.get('x-request-id'))).toBe(true);
    const tenantEvents = republished.filter((row) => row.subject.startsWith('tenant.'));
    expect(tenantEvents.map((row) => [row.body.tenantId, row.subject, row.body.version]).sort()).toEqual(
      tenants.map((t) => [t.id, t.status === 'erased' ? 'tenant.erased.v1' : 'tenant.updated.v1', Number(t.version)]).sort(),
    );
    const keyEvents = republished.filter((row) => row.subject.startsWith('apikey.'));
    expect(keyEvents.map((row) => [row.body.keyId, row.subject, row.body.version]).sort()).toEqual(
      keys.map((k) => [k.id, k.revoked ? 'apikey.revoked.v1' : 'apikey.created.v1', Number(k.version)]).sort(),
    );
  });

  it('refuses republish without the admin token', async () => {
    const response = await app.request('POST', '/admin/directory/republish');
    expect(response.status).toBe(401);
  });
});
