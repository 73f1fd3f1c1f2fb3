import { FieldEncryptor, LocalKeyEncryptionKey } from '@comply/crypto';
import { createDatabaseClient } from '@comply/persistence';
import { createTestDatabase, queryOnce, TestDatabase } from '@comply/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreDatabase } from '../database/core-database';
import { coreSchema } from '../database/schema';
import { DataKeysRepository } from './data-keys.repository';

/** Data keys in the core database, as core-store's application role keeps them. */
describe('DataKeysRepository', () => {
  let database: TestDatabase;
  let app: CoreDatabase;
  let store: DataKeysRepository;
  let keyDir: string;
  let kek: LocalKeyEncryptionKey;
  const asAdmin = (text: string, values: unknown[] = []) => queryOnce<Record<string, any>>(database.adminUrl, text, values);

  beforeAll(async () => {
    database = await createTestDatabase('core');
    await asAdmin(`insert into tenants (id, name, status) values ('acme', 'Acme', 'active'), ('globex', 'Globex', 'active'), ('gone', 'Gone', 'erased')`);
    await asAdmin(`insert into tenant_configs (tenant_id) values ('acme'), ('globex'), ('gone')`);
    app = createDatabaseClient(database.connection, { applicationName: 'data-key-spec', schema: coreSchema });
    store = new DataKeysRepository(app);
    keyDir = mkdtempSync(join(tmpdir(), 'data-key-spec-'));
    kek = await LocalKeyEncryptionKey.open(join(keyDir, 'kek.json'));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('keeps keys wrapped, oldest first, each tenant seeing only its own, and tracks the current key id', async () => {
    const encryptor = new FieldEncryptor({ kek, store });
    const first = await encryptor.encrypt('acme', 'alpha');
    const second = await encryptor.rotateDataKey('acme');
    await encryptor.encrypt('globex', 'beta');
    const keys = await store.get('acme');
    expect(keys.map((k) => k.keyId)).toEqual([first.split('.')[1], second]);
    expect((await store.get('globex')).map((k) => k.keyId)).not.toContain(second);
    const [config] = await asAdmin(`select encryption_key_id from tenant_configs where tenant_id = 'acme'`);
    expect(config.encryption_key_id).toBe(second);
    const raw = await asAdmin(`select wrapped from tenant_data_keys where tenant_id = 'acme'`);
    expect(raw).toHaveLength(2);
    expect(await store.tenantIds()).toEqual(['acme', 'globex']);
  });

  it('re-wraps every tenant after a key-encryption-key rotation, and old values still decrypt', async () => {
    const encryptor = new FieldEncryptor({ kek, store });
    const value = await encryptor.encrypt('globex', 'kept across rotation');
    const before = await asAdmin(`select kek_id from tenant_data_keys order by tenant_id, key_id`);
    await kek.rotate();
    expect(await new FieldEncryptor({ kek, store }).rotateKeyEncryptionKey()).toBe(before.length);
    const after = await asAdmin(`select distinct kek_id from tenant_data_keys`);
    expect(after).toEqual([{ kek_id: kek.id }]);
    expect((await new FieldEncryptor({ kek, store }).decrypt('globex', value)).toString()).toBe('kept across rotation');
  });

  it('shreds a tenant: its keys are gone and its values undecryptable, others unaffected', async () => {
    const encryptor = new FieldEncryptor({ kek, store });
    const acmeValue = await encryptor.encrypt('acme', 'to be shredded');
    const globexValue = await encryptor.encrypt('globex', 'stays');
    await encryptor.destroyTenantKeys('acme');
    expect(await asAdmin(`select 1 from tenant_data_keys where tenant_id = 'acme'`)).toEqual([]);
    await expect(new FieldEncryptor({ kek, store }).decrypt('acme', acmeValue)).rejects.toMatchObject({ failure: 'unknown-key' });
    expect((await new FieldEncryptor({ kek, store }).decrypt('globex', globexValue)).toString()).toBe('stays');
  });

  it('refuses a new data key for an erased or unknown tenant', async () => {
    const encryptor = new FieldEncryptor({ kek, store });
    await expect(encryptor.encrypt('gone', 'x')).rejects.toThrow(/erased/);
    await expect(encryptor.encrypt('nobody', 'x')).rejects.toThrow(/does not exist/);
    expect(await asAdmin(`select 1 from tenant_data_keys where tenant_id in ('gone', 'nobody')`)).toEqual([]);
  });
});
