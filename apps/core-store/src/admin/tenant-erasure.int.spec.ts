import { tenantErasureResponse } from '@comply/contracts';
import { DecryptionError, FieldEncryptor } from '@comply/crypto';
import { until } from '@comply/testing';
import { Client } from 'pg';
import { ApiKeyAuthenticator } from '@comply/tenant-directory';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';

describe('admin API: tenant erasure', () => {
  let app: CoreStoreTestApp;
  let authenticator: ApiKeyAuthenticator;
  let encryptor: FieldEncryptor;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false });
    authenticator = app.service.app.get(ApiKeyAuthenticator);
    encryptor = app.service.app.get(FieldEncryptor);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shreds the data keys, ends all access and records the erasure; erasing again destroys nothing more', async () => {
    const doomed = await app.createTenant('doomed');
    const bystander = await app.createTenant('bystander');
    const readOnlyKey = await doomed.keyWith(['read']);
    const ciphertext = await encryptor.encrypt('doomed', 'secret of doomed', 'field:1');
    await encryptor.rotateDataKey('doomed');
    const bystanderCiphertext = await encryptor.encrypt('bystander', 'secret of bystander');
    expect((await encryptor.decrypt('doomed', ciphertext, 'field:1')).toString()).toBe('secret of doomed');
    expect(await authenticator.authenticate(`Bearer ${readOnlyKey}`)).toMatchObject({ ok: true });
    expect(await app.sql(`select count(*)::int as keys from tenant_data_keys where tenant_id = 'doomed'`)).toEqual([{ keys: 2 }]);

    const response = await app.admin('POST', '/admin/tenants/doomed/erase');
    expect(response.status).toBe(200);
    expect(tenantErasureResponse.parse(response.body)).toEqual({ tenantId: 'doomed', status: 'erased', destroyedKeys: 2 });

    expect(await app.sql(`select key_id from tenant_data_keys where tenant_id = 'doomed'`)).toEqual([]);
    expect(await app.sql(`select encryption_key_id from tenant_configs where tenant_id = 'doomed'`)).toEqual([{ encryption_key_id: null }]);
    await expect(encryptor.decrypt('doomed', ciphertext, 'field:1')).rejects.toThrow(DecryptionError);
    await expect(encryptor.decrypt('doomed', ciphertext, 'field:1')).rejects.toMatchObject({ failure: 'unknown-key' });
    expect((await encryptor.decrypt('bystander', bystanderCiphertext)).toString()).toBe('secret of bystander');

    expect(await app.sql(`select status from tenants where id = 'doomed'`)).toEqual([{ status: 'erased' }]);
    expect(await app.sql(`select count(*)::int as live from api_keys where tenant_id = 'doomed' and revoked_at is null`)).toEqual([{ live: 0 }]);
    for (const key of [doomed.key, readOnlyKey]) {
      expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({ ok: false, status: 401, reason: 'Invalid API key' });
    }
    expect(await authenticator.authenticate(`Bearer ${bystander.key}`)).toMatchObject({ ok: true, tenantId: 'bystander' });
    expect((await app.request('GET', '/admin/tenants/doomed', { token: app.adminToken })).body.status).toBe('erased');

    const audit = await app.auditOf(response);
    expect(audit).toHaveLength(1);
    expect(audit[0].tenant_id).toBe('doomed');
    expect(audit[0].body).toMatchObject({
      actor: { type: 'user', id: 'platform-admin' },
      action: 'tenant.erase',
      resource: { type: 'tenant', id: 'doomed' },
      tenantId: 'doomed',
      details: { previousStatus: 'active', destroyedKeys: 2, revokedApiKeys: 2 },
    });

    const again = await app.admin('POST', '/admin/tenants/doomed/erase');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ tenantId: 'doomed', status: 'erased', destroyedKeys: 0 });
    expect((await app.auditOf(again)).map((event) => event.body.details)).toEqual([{ previousStatus: 'erased', destroyedKeys: 0, revokedApiKeys: 0 }]);
  });

  it('erases a suspended tenant too, and nothing about an erased tenant changes afterwards', async () => {
    await app.createTenant('suspended-then-erased');
    await app.sql(`update tenants set status = 'suspended' where id = 'suspended-then-erased'`);
    const response = await app.admin('POST', '/admin/tenants/suspended-then-erased/erase');
    expect(response.status).toBe(200);
    expect(response.body.destroyedKeys).toBe(0);
    expect((await app.auditOf(response))[0].body.details.previousStatus).toBe('suspended');

    const attempts = [
      await app.admin('PATCH', '/admin/tenants/suspended-then-erased', { status: 'active' }),
      await app.admin('PATCH', '/admin/tenants/suspended-then-erased/config', { retentionDays: 10 }),
      await app.admin('POST', '/admin/tenants/suspended-then-erased/api-keys', { name: 'revival', scopes: ['read'] }),
    ];
    expect(attempts.map((attempt) => attempt.status)).toEqual([409, 409, 409]);
    for (const attempt of attempts) expect(await app.auditOf(attempt)).toEqual([]);
    expect(await app.sql(`select status from tenants where id = 'suspended-then-erased'`)).toEqual([{ status: 'erased' }]);
  });

  it('destroys a data key made while the erasure ran, too', async () => {
    await app.createTenant('racing');
    await encryptor.encrypt('racing', 'before');
    // Hold the tenant row, so the erasure stops right before its final transaction; then a data
    // key appears, as if a concurrent write had just made one.
    const writer = new Client({ connectionString: app.database.adminUrl });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query(`select 1 from tenants where id = 'racing' for update`);
      const erasure = app.admin('POST', '/admin/tenants/racing/erase');
      const waiting = () => app.sql(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%'`);
      expect(await until(waiting, (rows) => rows.length > 0, { intervalMs: 20 })).not.toEqual([]);
      expect(await app.sql(`select key_id from tenant_data_keys where tenant_id = 'racing'`)).toEqual([]);
      await writer.query(`insert into tenant_data_keys (tenant_id, key_id, wrapped, kek_id) values ('racing', 'late', '\\x00', 'kek')`);
      await writer.query('commit');
      const response = await erasure;
      expect(response.status).toBe(200);
      expect(response.body.destroyedKeys).toBe(2);
    } finally {
      await writer.end();
    }
    expect(await app.sql(`select key_id from tenant_data_keys where tenant_id = 'racing'`)).toEqual([]);
  });

  it('answers 404 for an unknown tenant', async () => {
    const response = await app.admin('POST', '/admin/tenants/nobody/erase');
    expect(response.status).toBe(404);
    expect(response.body.message).toBe('Tenant "nobody" does not exist');
    expect(await app.auditOf(response)).toEqual([]);
  });
});
