import { BlobStore } from '@comply/blob-storage';
import { archiveCompletedV1, archiveFailedV1, type ArchiveRequestedV1 } from '@comply/contracts';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { createTestDatabase, queryOnce, testBlobConnectionString, until, type TestDatabase } from '@comply/testing';
import { createHash, randomUUID } from 'node:crypto';
import { BackupWorkerConfig, sourceDatabaseVariable } from '../backup-worker-settings';
import { manifestBlobName } from '../backups/backup-blobs';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';

const SUBSCRIPTION = 'audit-events/backup-worker';
const TABLE = 'audit_log_p199001';
const ROWS = 250;
const POLL = { timeoutMs: 60_000 };

describe('archive.requested.v1: archiving one audit partition for audit-writer', () => {
  let audit: TestDatabase;
  let app: BackupWorkerTestApp;
  let blobs: BlobStore;

  beforeAll(async () => {
    audit = await createTestDatabase('audit');
    // A partition of its own parent, so that the one-table snapshot reads a partition by name.
    await queryOnce(audit.adminUrl, `create table archive_fixture (id int not null, secret text not null) partition by range (id)`);
    await queryOnce(audit.adminUrl, `create table ${TABLE} partition of archive_fixture for values from (0) to (100000)`);
    await queryOnce(audit.adminUrl, `insert into ${TABLE} select g, 'archived-plaintext-' || g from generate_series(1, $1::int) g`, [ROWS]);
    app = await startBackupWorkerTestApp({ messaging: true, env: { [sourceDatabaseVariable('audit')]: audit.name } });
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), app.service.app.get<BackupWorkerConfig>(SERVICE_CONFIG).BLOB_CONTAINER);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await audit?.drop();
  });

  function request(overrides: Partial<ArchiveRequestedV1> = {}): ArchiveRequestedV1 {
    return { requestId: randomUUID(), database: 'audit', table: TABLE, rows: ROWS, requestedAt: new Date().toISOString(), ...overrides };
  }

  async function send(body: ArchiveRequestedV1, messageId: string = randomUUID()): Promise<string> {
    const sender = app.client!.createSender('audit-events');
    try {
      await sender.sendMessages({ messageId, subject: 'archive.requested.v1', body, contentType: 'application/json' });
    } finally {
      await sender.close();
    }
    return messageId;
  }

  const handled = (messageId: string) =>
    until(
      () => app.sql(`select 1 from messaging_inbox where subscription = $1 and message_id = $2`, [SUBSCRIPTION, messageId]),
      (rows) => rows.length > 0,
      POLL,
    );
  const answers = async (requestId: string) => (await app.outbox()).filter((row) => row.subject.startsWith('archive.') && row.body.requestId === requestId);

  it('archives the partition encrypted, checks it read back, and answers completed with its rows, digest and checksum', async () => {
    const asked = request();
    await handled(await send(asked));
    const [answer] = await answers(asked.requestId);
    expect(answer.subject).toBe('archive.completed.v1');
    const completed = archiveCompletedV1.parse(answer.body);
    expect(completed).toMatchObject({ requestId: asked.requestId, database: 'audit', table: TABLE, rows: ROWS });
    expect(completed.blob.name).toBe(`archives/audit/${TABLE}/${asked.requestId}.cbk`);

    const blob = (await blobs.get(completed.blob.name)) as Buffer;
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(completed.checksum);
    expect(blob.length).toBe(completed.sizeBytes);
    expect(blob.includes('archived-plaintext-')).toBe(false);
    expect(blob.includes(TABLE)).toBe(false);

    const manifest = JSON.parse(((await blobs.get(manifestBlobName(completed.blob.name))) as Buffer).toString('utf8'));
    expect(manifest.tables).toEqual([expect.objectContaining({ name: `public.${TABLE}`, rows: ROWS, digest: completed.digest })]);
    const [recorded] = await app.sql(`select status, rows, digest, checksum from backup_archives where request_id = $1`, [asked.requestId]);
    expect(recorded).toEqual({ status: 'completed', rows: String(ROWS), digest: completed.digest, checksum: completed.checksum });
  });

  it('answers failed with RowCountMismatch when the table holds another number of rows than the request counted', async () => {
    const asked = request({ rows: ROWS + 1 });
    await handled(await send(asked));
    const [answer] = await answers(asked.requestId);
    expect(answer.subject).toBe('archive.failed.v1');
    expect(archiveFailedV1.parse(answer.body).error.code).toBe('RowCountMismatch');
  });

  it('answers failed with TableMissing for a partition the database does not have', async () => {
    const asked = request({ table: 'audit_log_p189912' });
    await handled(await send(asked));
    const [answer] = await answers(asked.requestId);
    expect(answer.subject).toBe('archive.failed.v1');
    expect(answer.body.error.code).toBe('TableMissing');
  });

  it('answers a redelivered message once, and a repeated request the same without writing anything again', async () => {
    const asked = request();
    const messageId = await send(asked);
    await handled(messageId);
    await send(asked, messageId);
    const again = await send(asked);
    await handled(again);
    const all = await answers(asked.requestId);
    // The redelivery of the same message is a duplicate for the inbox; the new message gets the recorded answer again.
    expect(all.map((row) => row.subject)).toEqual(['archive.completed.v1', 'archive.completed.v1']);
    expect(all[1].body).toEqual(all[0].body);
    const names: string[] = [];
    for await (const entry of blobs.list(`archives/audit/${TABLE}/${asked.requestId}`)) names.push(entry.name);
    expect(names.sort()).toEqual([`archives/audit/${TABLE}/${asked.requestId}.cbk`, `archives/audit/${TABLE}/${asked.requestId}.manifest.json`]);
    const [{ count }] = await app.sql(`select count(*)::int as count from backup_archives where request_id = $1`, [asked.requestId]);
    expect(count).toBe(1);
  });
});
