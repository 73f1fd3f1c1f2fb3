import { FieldEncryptor, LocalKeyEncryptionKey } from '@comply/crypto';
import { DataKeysRepository } from '../encryption/data-keys.repository';
import { decryptSourceData } from '../encryption/source-data-cipher';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';
import { mappingSubmission, SECRET_SOURCE_TEXT } from '../testing/mapping-fixtures';

/** Key rotation through the admin API: records written before and after stay readable, none is rewritten. */
describe('admin key rotation', () => {
  let app: CoreStoreTestApp;
  let acme: TestTenant;
  const admin = (path: string) => app.request('POST', path, { token: app.adminToken });
  const store = async (tenant: TestTenant) =>
    (await app.request('POST', '/v1/mappings', { token: tenant.key, body: mappingSubmission() })).body.records[0].recordId as string;
  const ciphertextOf = async (id: string) => (await app.sql('select source_data from storage_records where id = $1', [id]))[0].source_data as string;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ redis: false });
    acme = await app.createTenant('acme');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('rotates a tenant data key: new records use it, old ones keep theirs and still decrypt, audited', async () => {
    const before = await store(acme);
    const rotated = await admin('/admin/tenants/acme/data-keys/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ tenantId: 'acme', keyId: expect.any(String) });
    const after = await store(acme);
    expect((await ciphertextOf(after)).split('.')[1]).toBe(rotated.body.keyId);
    expect((await ciphertextOf(before)).split('.')[1]).not.toBe(rotated.body.keyId);
    for (const id of [before, after]) {
      const read = await app.request('GET', `/v1/records/${id}`, { token: acme.key });
      expect(read.body.sourceData.text).toBe(SECRET_SOURCE_TEXT);
    }
    expect((await app.sql(`select encryption_key_id from tenant_configs where tenant_id = 'acme'`))[0].encryption_key_id).toBe(rotated.body.keyId);
    const audits = (await app.outbox('audit.event.v1')).filter((e) => e.body.action === 'data_key.rotate');
    expect(audits).toHaveLength(1);
    expect(audits[0].body).toMatchObject({ tenantId: 'acme', resource: { type: 'data_key', id: rotated.body.keyId } });
  });

  it('re-wraps every data key after the key-encryption key rotates, records untouched and readable', async () => {
    const record = await store(acme);
    await app.createTenant('globex');
    const ciphertextBefore = await ciphertextOf(record);
    const keyFile = app.service.runtime.config.LOCAL_KEK_FILE as string;
    const kek = await LocalKeyEncryptionKey.open(keyFile);
    const newVersion = await kek.rotate();
    const rewrap = await admin('/admin/data-keys/rewrap');
    expect(rewrap.status).toBe(200);
    const keys = await app.sql<{ n: number }>('select count(*)::int as n from tenant_data_keys');
    expect(rewrap.body).toEqual({ keyEncryptionKeyId: newVersion, rewrapped: keys[0].n });
    expect(await app.sql('select distinct kek_id from tenant_data_keys')).toEqual([{ kek_id: newVersion }]);
    expect(await ciphertextOf(record)).toBe(ciphertextBefore);
    await kek.removeVersion(kek.versionIds.find((id) => id !== newVersion)!);
    // An encryptor with nothing in memory and only the new KEK version still reads the old record.
    const fresh = new FieldEncryptor({ kek: await LocalKeyEncryptionKey.open(keyFile), store: app.service.app.get(DataKeysRepository) });
    expect((await decryptSourceData(fresh, 'acme', record, ciphertextBefore)).text).toBe(SECRET_SOURCE_TEXT);
    expect((await admin('/admin/data-keys/rewrap')).body.rewrapped).toBe(0);
    const audit = (await app.outbox('audit.event.v1')).filter((e) => e.body.action === 'data_key.rewrap');
    expect(audit.map((e) => e.body.details.rewrapped)).toEqual([keys[0].n, 0]);
  });

  it('refuses an erased tenant (409), an unknown one (404) and a missing token (401)', async () => {
    await app.createTenant('gone');
    expect((await admin('/admin/tenants/gone/erase')).status).toBe(200);
    expect((await admin('/admin/tenants/gone/data-keys/rotate')).status).toBe(409);
    expect((await admin('/admin/tenants/nobody/data-keys/rotate')).status).toBe(404);
    expect((await app.request('POST', '/admin/data-keys/rewrap')).status).toBe(401);
  });
});
