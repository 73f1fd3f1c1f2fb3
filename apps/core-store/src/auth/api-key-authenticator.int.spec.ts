import { until } from '@comply/testing';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { ApiKeyAuthenticator, generateApiKey, parseApiKey } from '@comply/tenant-directory';

const INVALID = { ok: false, status: 401, reason: 'Invalid API key' };

/** API key authentication against the real database; no key is remembered, so every call sees the stored state. */
describe('ApiKeyAuthenticator', () => {
  let app: CoreStoreTestApp;
  let authenticator: ApiKeyAuthenticator;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false, env: { API_KEY_CACHE_TTL_MS: '0' } });
    authenticator = app.service.app.get(ApiKeyAuthenticator);
    tenant = await app.createTenant('authenticated');
  });

  afterAll(async () => {
    await app?.close();
  });

  const prefixOf = (key: string) => parseApiKey(key)!.prefix;

  it('accepts a valid key with its tenant and scopes, and records its use', async () => {
    const key = await tenant.keyWith(['ingest', 'read']);
    const [row] = await app.sql<{ id: string; last_used_at: Date | null }>('select id, last_used_at from api_keys where prefix = $1', [prefixOf(key)]);
    expect(row.last_used_at).toBeNull();

    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({ ok: true, tenantId: 'authenticated', keyId: row.id, scopes: ['ingest', 'read'] });
    expect(await authenticator.authenticate(`bearer   ${key}`)).toMatchObject({ ok: true, keyId: row.id });

    // Use is recorded off the request path.
    const used = () => app.sql('select 1 from api_keys where id = $1 and last_used_at is not null', [row.id]);
    expect(await until(used, (rows) => rows.length > 0, { intervalMs: 20 })).not.toEqual([]);
  });

  it.each([undefined, '', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer two tokens'])('answers 401 to the header %j', async (header) => {
    expect(await authenticator.authenticate(header)).toEqual({
      ok: false,
      status: 401,
      reason: 'Missing bearer token: send Authorization: Bearer <api key>',
    });
  });

  it('answers 401 to a token that is not an API key', async () => {
    expect(await authenticator.authenticate(`Bearer ${app.adminToken}`)).toEqual(INVALID);
    expect(await authenticator.authenticate(`Bearer ${tenant.key}x`)).toEqual(INVALID);
  });

  it('answers 401 to an unknown prefix', async () => {
    expect(await authenticator.authenticate(`Bearer ${generateApiKey().key}`)).toEqual(INVALID);
  });

  it('answers 401 to a known prefix with the wrong secret', async () => {
    const { prefix, secret } = parseApiKey(tenant.key)!;
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticator.authenticate(`Bearer csk_${prefix}_${wrong}`)).toEqual(INVALID);
    expect(await authenticator.authenticate(`Bearer ${tenant.key}`)).toMatchObject({ ok: true });
  });

  it('answers 401 to a revoked key', async () => {
    const key = await tenant.keyWith(['read']);
    expect(await authenticator.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true });
    await app.sql('update api_keys set revoked_at = now() where prefix = $1', [prefixOf(key)]);
    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual(INVALID);
  });

  it('answers 403 while the tenant is suspended and 401 once it is erased', async () => {
    const other = await app.createTenant('paused');
    await app.sql(`update tenants set status = 'suspended' where id = 'paused'`);
    expect(await authenticator.authenticate(`Bearer ${other.key}`)).toEqual({ ok: false, status: 403, reason: 'Tenant paused is suspended' });
    await app.sql(`update tenants set status = 'active' where id = 'paused'`);
    expect(await authenticator.authenticate(`Bearer ${other.key}`)).toMatchObject({ ok: true, tenantId: 'paused' });
    await app.sql(`update tenants set status = 'erased' where id = 'paused'`);
    expect(await authenticator.authenticate(`Bearer ${other.key}`)).toEqual(INVALID);
  });
});
