import { apiKeyResponse, createdApiKeyResponse } from '@comply/contracts';
import { randomUUID } from 'node:crypto';
import { ApiKeyAuthenticator, hashSecret, parseApiKey } from '@comply/tenant-directory';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';

describe('admin API: API keys', () => {
  let app: CoreStoreTestApp;
  let authenticator: ApiKeyAuthenticator;

  const createKey = async (tenantId: string, body: unknown = { name: 'ci', scopes: ['read'] }) => {
    const response = await app.admin('POST', `/admin/tenants/${tenantId}/api-keys`, body);
    expect(response.status).toBe(201);
    return response;
  };

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false });
    authenticator = app.service.app.get(ApiKeyAuthenticator);
    await app.createTenant('keyed');
    await app.createTenant('neighbour');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('issues a key shown only in the response, storing only its prefix and the hash of its secret', async () => {
    const response = await createKey('keyed', { name: 'ci pipeline', scopes: ['ingest', 'read'] });
    const created = createdApiKeyResponse.parse(response.body);
    const parsed = parseApiKey(created.key);
    expect(parsed).toBeDefined();
    expect(created).toMatchObject({ name: 'ci pipeline', prefix: parsed!.prefix, scopes: ['ingest', 'read'], lastUsedAt: null, revokedAt: null });

    const rows = await app.sql<{ tenant_id: string; prefix: string; secret_hash: string; row: string }>(
      'select tenant_id, prefix, secret_hash, row_to_json(k)::text as row from api_keys k where id = $1',
      [created.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenant_id: 'keyed', prefix: parsed!.prefix, secret_hash: hashSecret(parsed!.secret) });
    expect(rows[0].row).not.toContain(parsed!.secret);

    const audit = await app.auditOf(response);
    expect(audit).toHaveLength(1);
    expect(audit[0].body).toMatchObject({
      action: 'api_key.create',
      resource: { type: 'api_key', id: created.id },
      tenantId: 'keyed',
      details: { name: 'ci pipeline', prefix: parsed!.prefix, scopes: ['ingest', 'read'] },
    });
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(parsed!.secret);
    expect(auditText).not.toContain(rows[0].secret_hash);

    expect(await authenticator.authenticate(`Bearer ${created.key}`)).toEqual({ ok: true, tenantId: 'keyed', keyId: created.id, scopes: ['ingest', 'read'] });
  });

  it("lists a tenant's keys, oldest first, without key or hash", async () => {
    await app.createTenant('listing');
    await createKey('listing', { name: 'first', scopes: ['read'] });
    const { body: created } = await createKey('listing', { name: 'second', scopes: ['admin'] });
    const response = await app.admin('GET', '/admin/tenants/listing/api-keys');
    expect(response.status).toBe(200);
    // The test app's own key of the tenant, then the two created here; none of another tenant's.
    expect(response.body.items.map((item: { name: string }) => item.name)).toEqual(['test', 'first', 'second']);
    const listed = response.body.items[2];
    expect(apiKeyResponse.parse(listed)).toEqual({ ...created, key: undefined });
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scopes']);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(parseApiKey(created.key)!.secret);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it.each([
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['read', 'read'] }, 'scopes'],
    [{ name: 'x', scopes: ['root'] }, 'scopes[0]'],
    [{ scopes: ['read'] }, 'name'],
    [{ name: 'x', scopes: ['read'], key: 'csk_chosen' }, 'key'],
  ])('answers 400 to %j naming %s', async (body, field) => {
    const [{ count: before }] = await app.sql<{ count: string }>(`select count(*) from api_keys where tenant_id = 'keyed'`);
    const response = await app.admin('POST', '/admin/tenants/keyed/api-keys', body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Invalid API key: /);
    expect(String(response.body.message).replace(/^[^:]*: /, '').split(', ')).toContain(field);
    expect(await app.sql(`select count(*) from api_keys where tenant_id = 'keyed'`)).toEqual([{ count: before }]);
    expect(await app.auditOf(response)).toEqual([]);
  });

  it('revokes a key at once, although this process remembered it', async () => {
    const { body: created } = await createKey('keyed');
    expect(await authenticator.authenticate(`Bearer ${created.key}`)).toMatchObject({ ok: true });

    const response = await app.admin('DELETE', `/admin/tenants/keyed/api-keys/${created.id}`);
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(await authenticator.authenticate(`Bearer ${created.key}`)).toEqual({ ok: false, status: 401, reason: 'Invalid API key' });
    const [row] = await app.sql<{ revoked_at: Date | null }>('select revoked_at from api_keys where id = $1', [created.id]);
    expect(row.revoked_at).toBeInstanceOf(Date);
    const listed = (await app.admin('GET', '/admin/tenants/keyed/api-keys')).body.items.find((item: { id: string }) => item.id === created.id);
    expect(listed.revokedAt).toBe(row.revoked_at!.toISOString());

    const audit = await app.auditOf(response);
    expect(audit).toHaveLength(1);
    expect(audit[0].body).toMatchObject({
      action: 'api_key.revoke',
      resource: { type: 'api_key', id: created.id },
      tenantId: 'keyed',
      details: { prefix: created.prefix, alreadyRevoked: false },
    });

    // Revoking again changes nothing but is recorded as the operator's action.
    const again = await app.admin('DELETE', `/admin/tenants/keyed/api-keys/${created.id}`);
    expect(again.status).toBe(204);
    expect(await app.sql('select revoked_at from api_keys where id = $1', [created.id])).toEqual([row]);
    expect((await app.auditOf(again)).map((event) => event.body.details.alreadyRevoked)).toEqual([true]);
  });

  it("answers 404 for another tenant's key, leaving it working", async () => {
    const { body: created } = await createKey('neighbour');
    const response = await app.admin('DELETE', `/admin/tenants/keyed/api-keys/${created.id}`);
    expect(response.status).toBe(404);
    expect(response.body.message).toBe(`Tenant "keyed" has no API key ${created.id}`);
    expect(await app.sql('select revoked_at from api_keys where id = $1', [created.id])).toEqual([{ revoked_at: null }]);
    expect(await authenticator.authenticate(`Bearer ${created.key}`)).toMatchObject({ ok: true, tenantId: 'neighbour' });
    expect(await app.auditOf(response)).toEqual([]);
  });

  it.each([
    ['an unknown key', () => `/admin/tenants/keyed/api-keys/${randomUUID()}`],
    ['a key id that is no UUID', () => '/admin/tenants/keyed/api-keys/not-a-uuid'],
    ['an unknown tenant', () => `/admin/tenants/nobody/api-keys/${randomUUID()}`],
  ])('answers 404 when revoking %s', async (_what, path) => {
    const response = await app.admin('DELETE', path());
    expect(response.status).toBe(404);
    expect(await app.auditOf(response)).toEqual([]);
  });

  it('answers 404 for the keys of an unknown tenant and 409 for a new key of an erased one', async () => {
    expect((await app.admin('GET', '/admin/tenants/nobody/api-keys')).status).toBe(404);
    const unknown = await app.admin('POST', '/admin/tenants/nobody/api-keys', { name: 'x', scopes: ['read'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Tenant "nobody" does not exist');

    await app.createTenant('erased-keys');
    await app.sql(`update tenants set status = 'erased' where id = 'erased-keys'`);
    const erased = await app.admin('POST', '/admin/tenants/erased-keys/api-keys', { name: 'x', scopes: ['read'] });
    expect(erased.status).toBe(409);
    expect(await app.sql(`select count(*)::int as keys from api_keys where tenant_id = 'erased-keys'`)).toEqual([{ keys: 1 }]);
    expect(await app.auditOf(unknown)).toEqual([]);
    expect(await app.auditOf(erased)).toEqual([]);
  });
});
