import { tenantResponse } from '@comply/contracts';
import { randomUUID } from 'node:crypto';
import { ApiKeyAuthenticator } from '@comply/tenant-directory';
import { CoreStoreTestApp, HttpResult, startCoreStoreTestApp } from '../testing/core-store-test-app';

describe('admin API: tenants', () => {
  let app: CoreStoreTestApp;
  let authenticator: ApiKeyAuthenticator;
  /** An all-scope API key of the tenant "existing". */
  let tenantKey: string;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false, env: { DEFAULT_RETENTION_DAYS: '90' } });
    authenticator = app.service.app.get(ApiKeyAuthenticator);
    tenantKey = (await app.createTenant('existing')).key;
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('authentication', () => {
    const routes: Array<[string, string]> = [
      ['POST', '/admin/tenants'],
      ['GET', '/admin/tenants/acme'],
      ['PATCH', '/admin/tenants/acme'],
      ['POST', '/admin/tenants/acme/erase'],
      ['GET', '/admin/tenants/acme/config'],
      ['PATCH', '/admin/tenants/acme/config'],
      ['POST', '/admin/tenants/acme/api-keys'],
      ['GET', '/admin/tenants/acme/api-keys'],
      ['DELETE', `/admin/tenants/acme/api-keys/${randomUUID()}`],
    ];

    it.each(routes)('%s %s refuses a missing or wrong token, and a tenant API key', async (method, path) => {
      const body = method === 'GET' ? undefined : { id: 'acme', name: 'Acme' };
      for (const token of [undefined, `${app.adminToken}x`, tenantKey]) {
        const response = await app.request(method, path, { token, body });
        expect({ token, status: response.status }).toEqual({ token, status: 401 });
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(response.body.message).toMatch(/admin token/i);
      }
      expect(await app.sql(`select id from tenants where id = 'acme'`)).toEqual([]);
    });

    it('refuses every call while ADMIN_TOKEN is unset, whatever token is sent', async () => {
      const disabled = await startCoreStoreTestApp({ messaging: false, env: { ADMIN_TOKEN: '' } });
      try {
        for (const token of [undefined, app.adminToken, 'x'.repeat(40)]) {
          const response = await disabled.request('POST', '/admin/tenants', { token, body: { id: 'acme', name: 'Acme' } });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe('Bearer');
          expect(response.body.message).toBe('The admin API is disabled: ADMIN_TOKEN is not set');
        }
        expect(await disabled.sql('select id from tenants')).toEqual([]);
      } finally {
        await disabled.close();
      }
    });
  });

  describe('POST /admin/tenants', () => {
    it('creates the tenant with its config (retention from DEFAULT_RETENTION_DAYS) and one audit event', async () => {
      const response = await app.admin('POST', '/admin/tenants', { id: 'created-1', name: 'Created One' });
      expect(response.status).toBe(201);
      expect(tenantResponse.parse(response.body)).toEqual({
        id: 'created-1',
        name: 'Created One',
        plan: 'free',
        status: 'active',
        createdAt: expect.any(String),
      });
      const [row] = await app.sql<{ created_at: Date }>(`select created_at from tenants where id = 'created-1'`);
      expect(response.body.createdAt).toBe(row.created_at.toISOString());
      expect(await app.sql(`select retention_days, version from tenant_configs where tenant_id = 'created-1'`)).toEqual([{ retention_days: 90, version: 1 }]);

      const audit = await app.auditOf(response);
      expect(audit).toHaveLength(1);
      expect(audit[0].tenant_id).toBe('created-1');
      expect(audit[0].body).toMatchObject({
        actor: { type: 'user', id: 'platform-admin' },
        action: 'tenant.create',
        resource: { type: 'tenant', id: 'created-1' },
        outcome: 'success',
        tenantId: 'created-1',
        correlationId: response.headers.get('x-request-id'),
        details: { name: 'Created One', plan: 'free', retentionDays: 90 },
      });
    });

    it('takes plan and retentionDays from the body', async () => {
      const response = await app.admin('POST', '/admin/tenants', { id: 'created-2', name: 'Two', plan: 'pro', retentionDays: 30 });
      expect(response.status).toBe(201);
      expect(response.body.plan).toBe('pro');
      expect(await app.sql(`select retention_days from tenant_configs where tenant_id = 'created-2'`)).toEqual([{ retention_days: 30 }]);
    });

    it('answers 409 for an existing id, changing nothing and auditing nothing', async () => {
      await app.createTenant('taken');
      const response = await app.admin('POST', '/admin/tenants', { id: 'taken', name: 'Impostor', retentionDays: 7 });
      expect(response.status).toBe(409);
      expect(response.body.message).toBe('Tenant "taken" already exists');
      expect(await app.sql(`select name from tenants where id = 'taken'`)).toEqual([{ name: 'taken' }]);
      expect(await app.sql(`select retention_days from tenant_configs where tenant_id = 'taken'`)).toEqual([{ retention_days: 365 }]);
      expect(await app.auditOf(response)).toEqual([]);
    });

    it.each([
      [{ id: 'has spaces', name: 'X' }, ['id']],
      [{ id: 'no-name' }, ['name']],
      [{ id: 'x', name: 'X', retentionDays: 0 }, ['retentionDays']],
      [{ id: 'x', name: 'X', owner: 'me' }, ['owner']],
      [undefined, ['(body)']],
    ])('answers 400 naming the invalid fields of %j', async (body, fields) => {
      const response = await app.admin('POST', '/admin/tenants', body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^Invalid tenant: /);
      expect(namedFields(response)).toEqual(expect.arrayContaining(fields));
      expect(await app.auditOf(response)).toEqual([]);
      expect(await app.sql(`select id from tenants where id in ('has spaces', 'no-name', 'x')`)).toEqual([]);
    });
  });

  describe('GET /admin/tenants/:id', () => {
    it('returns the tenant, whatever its status', async () => {
      await app.createTenant('readable');
      await app.sql(`update tenants set status = 'suspended', plan = 'pro' where id = 'readable'`);
      const response = await app.admin('GET', '/admin/tenants/readable');
      expect(response.status).toBe(200);
      expect(tenantResponse.parse(response.body)).toMatchObject({ id: 'readable', name: 'readable', plan: 'pro', status: 'suspended' });
    });

    it.each(['nobody', 'not%20an%20id'])('answers 404 for %s', async (id) => {
      const response = await app.admin('GET', `/admin/tenants/${id}`);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`Tenant "${decodeURIComponent(id)}" does not exist`);
    });
  });

  describe('PATCH /admin/tenants/:id', () => {
    it('renames and re-plans, auditing what changed', async () => {
      await app.createTenant('renamed');
      const response = await app.admin('PATCH', '/admin/tenants/renamed', { name: 'New Name', plan: 'enterprise' });
      expect(response.status).toBe(200);
      expect(tenantResponse.parse(response.body)).toMatchObject({ id: 'renamed', name: 'New Name', plan: 'enterprise', status: 'active' });
      expect(await app.sql(`select name, plan from tenants where id = 'renamed'`)).toEqual([{ name: 'New Name', plan: 'enterprise' }]);
      const audit = await app.auditOf(response);
      expect(audit).toHaveLength(1);
      expect(audit[0].body).toMatchObject({
        action: 'tenant.update',
        resource: { type: 'tenant', id: 'renamed' },
        tenantId: 'renamed',
        details: { changes: { name: { from: 'renamed', to: 'New Name' }, plan: { from: 'free', to: 'enterprise' } } },
      });
    });

    it('suspends and reactivates at once, although the key was remembered as active', async () => {
      const tenant = await app.createTenant('switched');
      expect(await authenticator.authenticate(`Bearer ${tenant.key}`)).toMatchObject({ ok: true, tenantId: 'switched' });

      const suspended = await app.admin('PATCH', '/admin/tenants/switched', { status: 'suspended' });
      expect(suspended.status).toBe(200);
      expect(suspended.body.status).toBe('suspended');
      expect(await authenticator.authenticate(`Bearer ${tenant.key}`)).toEqual({ ok: false, status: 403, reason: 'Tenant switched is suspended' });
      expect((await app.auditOf(suspended)).map((row) => row.body.action)).toEqual(['tenant.suspend']);

      const reactivated = await app.admin('PATCH', '/admin/tenants/switched', { status: 'active' });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body.status).toBe('active');
      expect(await authenticator.authenticate(`Bearer ${tenant.key}`)).toMatchObject({ ok: true, tenantId: 'switched' });
      const audit = await app.auditOf(reactivated);
      expect(audit).toHaveLength(1);
      expect(audit[0].body).toMatchObject({ action: 'tenant.reactivate', details: { changes: { status: { from: 'suspended', to: 'active' } } } });
    });

    it.each([
      [{}, '(body)'],
      [{ status: 'erased' }, 'status'],
      [{ name: '' }, 'name'],
      [{ id: 'other' }, 'id'],
    ])('answers 400 to %j, naming %s', async (body, field) => {
      const response = await app.admin('PATCH', '/admin/tenants/existing', body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^Invalid tenant update: /);
      expect(namedFields(response)).toContain(field);
      expect(await app.sql(`select id, name, status from tenants where id = 'existing'`)).toEqual([{ id: 'existing', name: 'existing', status: 'active' }]);
      expect(await app.auditOf(response)).toEqual([]);
    });

    it('answers 404 for an unknown tenant and 409 for an erased one', async () => {
      const unknown = await app.admin('PATCH', '/admin/tenants/nobody', { name: 'X' });
      expect(unknown.status).toBe(404);
      await app.createTenant('gone');
      await app.sql(`update tenants set status = 'erased' where id = 'gone'`);
      const erased = await app.admin('PATCH', '/admin/tenants/gone', { status: 'active' });
      expect(erased.status).toBe(409);
      expect(erased.body.message).toBe('Tenant "gone" is erased and can no longer be changed');
      expect(await app.sql(`select status from tenants where id = 'gone'`)).toEqual([{ status: 'erased' }]);
      expect(await app.auditOf(unknown)).toEqual([]);
      expect(await app.auditOf(erased)).toEqual([]);
    });
  });
});

/** The fields a 400's message names ("Invalid <what>: a, b[0]"). */
function namedFields(response: HttpResult): string[] {
  return String(response.body.message).replace(/^[^:]*: /, '').split(', ');
}
