import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore } from '@comply/blob-storage';
import { LocalKeyEncryptionKey } from '@comply/crypto';
import { BACKUP_ROLE, urlForDatabase } from '@comply/persistence';
import { createTestDatabase, testAdminUrl, workspaceRoot, testBlobConnectionString, testContainerName, TestDatabase } from '@comply/testing';
import { connectTo, seedCoreRecords, urlAs } from '../testing/core-records-seed';
import { prepareRestoreTarget } from './restore-target';
import type { SnapshotManifest } from './snapshot-manifest';
import { restoreSnapshot, SnapshotIntegrityError } from './snapshot-restorer';
import { writeSnapshot } from './snapshot-writer';
import { digestTables } from './table-digest';

jest.setTimeout(240_000);

const TENANTS = ['tenant-needle-a', 'tenant-needle-b', 'tenant-needle-c', 'tenant-needle-d'];
const FIELD_MARKER = 'field-needle-4f9c2e';

async function queryAs<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = await connectTo(url);
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Seeded records, and a sequence of the owner's (core has none of its own) to show sequences come back. */
async function seedCore(db: TestDatabase, records: number): Promise<void> {
  await seedCoreRecords(db.adminUrl, { records, tenants: TENANTS, marker: FIELD_MARKER });
  await queryAs(db.adminUrl, `SET ROLE core_owner; CREATE SEQUENCE public.snapshot_spec_counter; RESET ROLE`);
  await queryAs(db.adminUrl, `select nextval('public.snapshot_spec_counter') from generate_series(1, 41)`);
}

/** Every record has its ledger row and outbox row, every ledger and outbox row its record, and usage counts them all. */
async function checkCoreConsistency(url: string): Promise<number> {
  const [row] = await queryAs<{ records: string; orphans: string; usage: string }>(
    url,
    `select (select count(*) from storage_records)::text as records,
            ((select count(*) from storage_records r where not exists (select 1 from storage_record_keys k where k.record_id = r.id)
                                                        or not exists (select 1 from messaging_outbox o where o.subject = 'record.stored.v1' and (o.body ->> 'recordId')::uuid = r.id))
             + (select count(*) from storage_record_keys k where not exists (select 1 from storage_records r where r.id = k.record_id))
             + (select count(*) from messaging_outbox o where o.subject = 'record.stored.v1'
                  and not exists (select 1 from storage_records r where r.id = (o.body ->> 'recordId')::uuid)))::text as orphans,
            (select coalesce(sum(records), 0) from tenant_usage)::text as usage`,
  );
  expect(row.orphans).toBe('0');
  expect(row.usage).toBe(row.records);
  return Number(row.records);
}

async function collectBlob(options: { source: TestDatabase; kek: LocalKeyEncryptionKey; chunkBytes?: number }): Promise<{ blob: Buffer; manifest: SnapshotManifest }> {
  const source = await connectTo(urlAs(options.source.adminUrl, BACKUP_ROLE));
  try {
    const parts: Buffer[] = [];
    const manifest = await writeSnapshot({
      source,
      database: 'core',
      kek: options.kek,
      chunkBytes: options.chunkBytes,
      upload: async (ciphertext) => {
        for await (const part of ciphertext) parts.push(part as Buffer);
      },
    });
    return { blob: Buffer.concat(parts), manifest };
  } finally {
    await source.end();
  }
}

describe('core snapshots', () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'snapshot-kek-'));
  const targets: string[] = [];
  let kek: LocalKeyEncryptionKey;
  let small: TestDatabase;
  let smallSnapshot: { blob: Buffer; manifest: SnapshotManifest };

  async function newTarget(manifest: SnapshotManifest): Promise<{ name: string; url: string }> {
    const name = `core_restore_${process.pid}_${randomBytes(4).toString('hex')}`;
    targets.push(name);
    await prepareRestoreTarget({ adminUrl: testAdminUrl(), database: 'core', physicalName: name, manifest, migrationsDir: join(workspaceRoot(), 'migrations') });
    const url = urlForDatabase(testAdminUrl(), name);
    if (manifest.sequences.length) {
      await queryAs(url, `SET ROLE core_owner; CREATE SEQUENCE public.snapshot_spec_counter; RESET ROLE`);
    }
    return { name, url };
  }

  async function restoreInto(url: string, blob: Readable, manifest: SnapshotManifest, key = kek) {
    const target = await connectTo(url);
    try {
      return await restoreSnapshot({ blob, manifest, kek: key, target, ownerRole: 'core_owner' });
    } finally {
      await target.end();
    }
  }

  beforeAll(async () => {
    kek = await LocalKeyEncryptionKey.open(join(keyDir, 'kek.json'));
    small = await createTestDatabase('core');
    await seedCore(small, 3_000);
    smallSnapshot = await collectBlob({ source: small, kek, chunkBytes: 16 * 1024 });
  });

  afterAll(async () => {
    const admin = await connectTo(testAdminUrl());
    try {
      for (const name of targets) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await small?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('round-trips 100,000 records across partitions: every table digest and the sequences match', async () => {
    const source = await createTestDatabase('core');
    try {
      await seedCore(source, 100_000);
      const { blob, manifest } = await collectBlob({ source, kek });
      const records = manifest.tables.find((t) => t.name === 'public.storage_records');
      expect(records?.rows).toBe(100_000);
      expect(manifest.partitions.map((p) => p.name)).toEqual(expect.arrayContaining(['public.storage_records_p202501', 'public.storage_records_p202504']));
      expect(manifest.tables.findIndex((t) => t.name === 'public.tenants')).toBeLessThan(manifest.tables.findIndex((t) => t.name === 'public.storage_records'));
      expect(manifest.sizeBytes).toBe(blob.length);

      // The blob holds no plaintext: no field value, no table name, no tenant id.
      for (const needle of [FIELD_MARKER, 'storage_records', TENANTS[0], 'PII.Contact.Email']) {
        expect(blob.includes(Buffer.from(needle))).toBe(false);
      }

      const target = await newTarget(manifest);
      const result = await restoreInto(target.url, Readable.from([blob]), manifest);
      expect(result.checksum).toBe(manifest.checksum);
      expect(result.tables).toEqual(manifest.tables.map((t) => ({ name: t.name, rows: t.rows })));

      const digestClient = await connectTo(urlAs(target.url, BACKUP_ROLE));
      try {
        const digests = await digestTables(digestClient, manifest.tables.map((t) => t.name));
        for (const table of manifest.tables) expect({ table: table.name, ...digests.get(table.name) }).toEqual({ table: table.name, rows: table.rows, digest: table.digest });
      } finally {
        await digestClient.end();
      }
      const [sequence] = await queryAs<{ last_value: string; is_called: boolean }>(target.url, 'select last_value::text, is_called from public.snapshot_spec_counter');
      expect(sequence).toEqual({ last_value: '41', is_called: true });
      // Re-created partitions got their RLS switch back, and the audit triggers were off during the load.
      const [partition] = await queryAs<{ relrowsecurity: boolean }>(target.url, `select relrowsecurity from pg_class where relname = 'storage_records_p202502'`);
      expect(partition.relrowsecurity).toBe(true);
      const audits = await queryAs<{ count: string }>(target.url, `select count(*)::text from messaging_outbox where subject = 'audit.event.v1'`);
      const sourceAudits = await queryAs<{ count: string }>(source.adminUrl, `select count(*)::text from messaging_outbox where subject = 'audit.event.v1'`);
      expect(audits[0].count).toBe(sourceAudits[0].count);
      const [forced] = await queryAs<{ relforcerowsecurity: boolean; enabled: string }>(
        target.url,
        `select relforcerowsecurity, (select string_agg(distinct tgenabled::text, '') from pg_trigger where tgrelid = 'tenants'::regclass and not tgisinternal) as enabled
           from pg_class where oid = 'tenants'::regclass`,
      );
      expect(forced).toEqual({ relforcerowsecurity: true, enabled: 'O' });
      await checkCoreConsistency(target.url);
    } finally {
      await source.drop();
    }
  });

  it('takes a consistent snapshot while records are stored concurrently', async () => {
    const source = await createTestDatabase('core');
    try {
      await seedCore(source, 500);
      let running = true;
      let committed = 0;
      const writer = async (worker: number) => {
        const client = await connectTo(source.appUrl);
        try {
          for (let i = 0; running; i++) {
            const tenant = TENANTS[(worker + i) % TENANTS.length];
            await client.query('BEGIN');
            await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
            await client.query(
              `with record as (
                 insert into storage_records (id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version,
                   taxonomy, taxonomy_paths, scores, confidence, latency_ms, source_data, correlation_id, occurred_at, expires_at, created_at)
                 values (gen_random_uuid(), $1, $2, 'presidio', 'pii', '1', 'mapper-2026.11', '{PII}', '{PII}', '{}', 0.5, 1, 'enc', 'c', now(), now() + interval '1 year', now())
                 returning id, tenant_id, request_id, expires_at),
               ledger as (insert into storage_record_keys (tenant_id, request_id, record_id, expires_at) select tenant_id, request_id, id, expires_at from record),
               outbox as (insert into messaging_outbox (id, topic, subject, body, correlation_id, tenant_id)
                 select gen_random_uuid(), 'core-events', 'record.stored.v1', jsonb_build_object('recordId', id), 'c', tenant_id from record)
               insert into tenant_usage (tenant_id, month, records) values ($1, to_char(now(), 'YYYY-MM'), 1)
               on conflict (tenant_id, month) do update set records = tenant_usage.records + 1`,
              [tenant, `live-${worker}-${i}`],
            );
            await client.query('COMMIT');
            committed++;
          }
        } finally {
          await client.end();
        }
      };
      const writers = [0, 1, 2].map(writer);
      while (committed < 200) await new Promise((resolve) => setTimeout(resolve, 20));
      const { blob, manifest } = await collectBlob({ source, kek });
      const during = committed;
      while (committed < during + 100) await new Promise((resolve) => setTimeout(resolve, 20));
      running = false;
      await Promise.all(writers);

      const target = await newTarget(manifest);
      await restoreInto(target.url, Readable.from([blob]), manifest);
      const restored = await checkCoreConsistency(target.url);
      expect(restored).toBeGreaterThan(500);
      expect(restored).toBeLessThan(await checkCoreConsistency(source.adminUrl));
      expect(new Date(manifest.coversTransactionsBefore).getTime()).toBeLessThanOrEqual(new Date(manifest.snapshotAt).getTime());
    } finally {
      await source.drop();
    }
  });

  it.each([
    ['one byte flipped', (blob: Buffer) => Buffer.from(blob).fill(blob[blob.length >> 1] ^ 0x20, blob.length >> 1, (blob.length >> 1) + 1)],
    ['truncated', (blob: Buffer) => blob.subarray(0, blob.length - 1_000)],
    ['truncated at a chunk boundary', (blob: Buffer) => blob.subarray(0, blob.length - ((blob.length - 200) % (16 * 1024 + 16)))],
    ['bytes appended', (blob: Buffer) => Buffer.concat([blob, Buffer.from('appended')])],
  ])('refuses a blob with %s and leaves the target without its rows', async (_case, alter) => {
    const { blob, manifest } = smallSnapshot;
    const target = await newTarget(manifest);
    const error = await restoreInto(target.url, Readable.from([alter(blob)]), manifest).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SnapshotIntegrityError);
    expect((error as Error).message).not.toContain(FIELD_MARKER);
    const [counts] = await queryAs<{ records: string; tenants: string }>(
      target.url,
      'select (select count(*) from storage_records)::text as records, (select count(*) from tenants)::text as tenants',
    );
    expect(counts).toEqual({ records: '0', tenants: '0' });
  });

  it('refuses a manifest that does not describe the blob', async () => {
    const { blob, manifest } = smallSnapshot;
    const target = await newTarget(manifest);
    const lying = { ...manifest, tables: manifest.tables.map((t) => (t.name === 'public.tenants' ? { ...t, rows: t.rows + 1 } : t)) };
    await expect(restoreInto(target.url, Readable.from([blob]), lying)).rejects.toMatchObject({ reason: 'RowCountMismatch' });
  });

  it('explains a wrong key-encryption key', async () => {
    const { blob, manifest } = smallSnapshot;
    const target = await newTarget(manifest);
    const otherKek = await LocalKeyEncryptionKey.open(join(keyDir, 'other-kek.json'));
    await expect(restoreInto(target.url, Readable.from([blob]), manifest, otherKek)).rejects.toThrow(
      /data key cannot be unwrapped with this key-encryption key/,
    );
  });

  it('rejects without a manifest when the upload fails midway, and rolls the read back', async () => {
    const source = await connectTo(urlAs(small.adminUrl, BACKUP_ROLE));
    try {
      const failing = writeSnapshot({
        source,
        database: 'core',
        kek,
        chunkBytes: 16 * 1024,
        upload: async (ciphertext) => {
          let bytes = 0;
          for await (const part of ciphertext) {
            bytes += (part as Buffer).length;
            if (bytes > 40_000) throw new Error('blob storage unreachable');
          }
        },
      });
      await expect(failing).rejects.toThrow('blob storage unreachable');
      const state = await source.query<{ isolation: string; in_transaction: boolean }>(
        `select current_setting('transaction_isolation') as isolation, now() = statement_timestamp() as in_transaction`,
      );
      expect(state.rows[0].isolation).toBe('read committed');
    } finally {
      await source.end();
    }
  });

  it('gives the backup role every row and no writes; the application role still cannot bypass RLS', async () => {
    const backupUrl = urlAs(small.adminUrl, BACKUP_ROLE);
    const [all] = await queryAs<{ count: string }>(backupUrl, 'select count(*)::text from storage_records');
    expect(all.count).toBe('3000');
    await expect(queryAs(backupUrl, `insert into tenants (id, name) values ('intruder', 'x')`)).rejects.toThrow(/read-only transaction/);
    await expect(
      queryAs(backupUrl, `BEGIN READ WRITE; insert into tenants (id, name) values ('intruder', 'x'); COMMIT`),
    ).rejects.toThrow(/permission denied/);
    await expect(queryAs(backupUrl, `BEGIN READ WRITE; delete from storage_records; COMMIT`)).rejects.toThrow(/permission denied/);

    const [appView] = await queryAs<{ count: string }>(small.appUrl, 'select count(*)::text from storage_records');
    expect(appView.count).toBe('0');
    await expect(queryAs(small.appUrl, 'SET row_security = off; select count(*) from storage_records')).rejects.toThrow(/row-level security/);
    const bypassing = await queryAs<{ rolname: string }>(testAdminUrl(), `select rolname from pg_roles where rolbypassrls and not rolsuper and rolname like any(array['core_%', 'platform_%'])`);
    expect(bypassing.map((r) => r.rolname)).toEqual([BACKUP_ROLE]);
  });

  it('fails loudly, rather than backing up empty tenant tables, as a role granted platform_backup without BYPASSRLS', async () => {
    const member = `backup_member_${process.pid}_${randomBytes(3).toString('hex')}`;
    await queryAs(testAdminUrl(), `CREATE ROLE ${member} LOGIN IN ROLE ${BACKUP_ROLE}`);
    const source = await connectTo(urlAs(small.adminUrl, member));
    try {
      const [visible] = (await source.query<{ count: string }>('select count(*)::text from storage_records')).rows;
      expect(visible.count).toBe('0');
      await expect(
        writeSnapshot({ source, database: 'core', kek, upload: async (ciphertext) => void (await Readable.from(ciphertext).toArray()) }),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await source.end();
      await queryAs(testAdminUrl(), `DROP ROLE ${member}`);
    }
  });

  it('stores through BlobStore on Azurite and restores from the stored blob', async () => {
    const store = BlobStore.fromConnectionString(testBlobConnectionString(), testContainerName('snapshots'));
    await store.ensureContainer();
    const source = await connectTo(urlAs(small.adminUrl, BACKUP_ROLE));
    let manifest: SnapshotManifest;
    try {
      manifest = await writeSnapshot({
        source,
        database: 'core',
        kek,
        upload: async (ciphertext) => {
          const stored = await store.uploadStreamIfAbsent('core/spec.snapshot', ciphertext);
          if (!stored.created) throw new Error('blob exists');
        },
      });
    } finally {
      await source.end();
    }
    const stream = await store.getStream('core/spec.snapshot');
    expect(stream).toBeDefined();
    const target = await newTarget(manifest);
    const result = await restoreInto(target.url, stream as Readable, manifest);
    expect(result.checksum).toBe(manifest.checksum);
    expect(await checkCoreConsistency(target.url)).toBe(3_000);
  });
});
