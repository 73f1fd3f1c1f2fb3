import type { BackupCompletedV1, BackupFailedV1 } from '@comply/contracts';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';
import { InsertedRecord, insertRecord, RecordFixture } from '../testing/record-fixtures';

const SUBSCRIPTION = 'backup-events/core-store';
const HOUR_MS = 3_600_000;
const POLL = { timeoutMs: 20_000 };

function completed(overrides: Partial<BackupCompletedV1> = {}): BackupCompletedV1 {
  return {
    backupId: `backup-${randomUUID()}`,
    database: 'core',
    blob: { container: 'backups', name: 'core/2026-11-22.dump' },
    startedAt: new Date(Date.now() - HOUR_MS).toISOString(),
    completedAt: new Date().toISOString(),
    sizeBytes: 1024,
    checksum: `sha256:${'a'.repeat(64)}`,
    ...overrides,
  };
}

function failed(overrides: Partial<BackupFailedV1> = {}): BackupFailedV1 {
  return {
    backupId: `backup-${randomUUID()}`,
    database: 'core',
    error: { code: 'BlobWriteFailed', message: 'the blob container refused the write' },
    startedAt: new Date(Date.now() - HOUR_MS).toISOString(),
    failedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('backup status from backup-events', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true });
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Published as backup-worker does: subject = event type, tenantId property for a tenant's backup. */
  async function send(type: 'backup.completed.v1' | 'backup.failed.v1', body: BackupCompletedV1 | BackupFailedV1, messageId = randomUUID()) {
    const sender = app.client!.createSender('backup-events');
    try {
      await sender.sendMessages({
        messageId,
        subject: type,
        body,
        contentType: 'application/json',
        applicationProperties: body.tenantId ? { tenantId: body.tenantId } : undefined,
      });
    } finally {
      await sender.close();
    }
    return messageId;
  }

  /** Stored two hours ago: before the backups below started. */
  const before = (tenantId: string, fixture: Partial<RecordFixture> = {}) =>
    insertRecord(app, tenantId, { storedAtMs: Date.now() - 2 * HOUR_MS, ...fixture });
  /** Stored now: after the backups below started. */
  const after = (tenantId: string) => insertRecord(app, tenantId);

  const statusOf = async (record: InsertedRecord) => {
    const [row] = await app.sql<{ backup_status: string; backup_ref: string | null }>(
      `select backup_status, backup_ref from storage_records where id = $1`,
      [record.id],
    );
    return row;
  };
  const handled = (messageId: string) =>
    until(
      () => app.sql(`select 1 from messaging_inbox where subscription = $1 and message_id = $2`, [SUBSCRIPTION, messageId]),
      (rows) => rows.length > 0,
      POLL,
    );

  it("marks a tenant's records stored up to startedAt as backed up, and no one else's", async () => {
    await app.createTenant('bk-a');
    await app.createTenant('bk-b');
    const pending = await before('bk-a');
    const previouslyFailed = await before('bk-a', { backupStatus: 'failed', backupRef: 'backup-earlier' });
    const alreadyBackedUp = await before('bk-a', { backupStatus: 'backed_up', backupRef: 'backup-earlier' });
    const tooNew = await after('bk-a');
    const otherTenant = await before('bk-b');
    const event = completed({ tenantId: 'bk-a' });

    await send('backup.completed.v1', event);

    expect(await until(() => statusOf(pending), (row) => row.backup_status === 'backed_up', POLL)).toEqual({
      backup_status: 'backed_up',
      backup_ref: event.backupId,
    });
    expect(await statusOf(previouslyFailed)).toEqual({ backup_status: 'backed_up', backup_ref: event.backupId });
    expect(await statusOf(alreadyBackedUp)).toEqual({ backup_status: 'backed_up', backup_ref: 'backup-earlier' });
    expect(await statusOf(tooNew)).toEqual({ backup_status: 'pending', backup_ref: null });
    expect(await statusOf(otherTenant)).toEqual({ backup_status: 'pending', backup_ref: null });
  });

  it("marks every tenant's records for a whole-database backup", async () => {
    await app.createTenant('bk-c');
    await app.createTenant('bk-d');
    const ofC = await before('bk-c');
    const ofD = await before('bk-d');
    const tooNew = await after('bk-d');
    const event = completed();

    await send('backup.completed.v1', event);

    await until(() => statusOf(ofD), (row) => row.backup_status === 'backed_up', POLL);
    expect(await statusOf(ofC)).toEqual({ backup_status: 'backed_up', backup_ref: event.backupId });
    expect(await statusOf(ofD)).toEqual({ backup_status: 'backed_up', backup_ref: event.backupId });
    expect(await statusOf(tooNew)).toEqual({ backup_status: 'pending', backup_ref: null });
  });

  it('marks pending records failed on a failed backup, and never downgrades a backed-up one', async () => {
    await app.createTenant('bk-f');
    const pending = await before('bk-f');
    const backedUp = await before('bk-f', { backupStatus: 'backed_up', backupRef: 'backup-good' });
    const tooNew = await after('bk-f');
    const event = failed({ tenantId: 'bk-f' });

    await handled(await send('backup.failed.v1', event));

    expect(await statusOf(pending)).toEqual({ backup_status: 'failed', backup_ref: event.backupId });
    expect(await statusOf(backedUp)).toEqual({ backup_status: 'backed_up', backup_ref: 'backup-good' });
    expect(await statusOf(tooNew)).toEqual({ backup_status: 'pending', backup_ref: null });
  });

  it("changes nothing for another database's backup", async () => {
    await app.createTenant('bk-o');
    const record = await before('bk-o');

    await handled(await send('backup.completed.v1', completed({ tenantId: 'bk-o', database: 'billing' })));
    await handled(await send('backup.failed.v1', failed({ database: 'analytics' })));

    expect(await statusOf(record)).toEqual({ backup_status: 'pending', backup_ref: null });
  });

  it('ignores a message the inbox has seen, as after a redelivery', async () => {
    await app.createTenant('bk-r');
    const record = await before('bk-r');
    const messageId = randomUUID();
    // Handled before by this or another replica, whose settlement was lost.
    await app.sql(`insert into messaging_inbox (subscription, message_id) values ($1, $2)`, [SUBSCRIPTION, messageId]);
    const skipped = () =>
      app
        .request<string>('GET', '/metrics')
        .then((r) => Number(/^messaging_duplicates_skipped_total\{subscription="backup-events\/core-store"[^}]*\} (\d+)$/m.exec(r.body)?.[1] ?? 0));

    await send('backup.completed.v1', completed({ tenantId: 'bk-r' }), messageId);

    expect(await until(skipped, (n) => n >= 1, POLL)).toBe(1);
    expect(await statusOf(record)).toEqual({ backup_status: 'pending', backup_ref: null });

    const fresh = completed({ tenantId: 'bk-r' });
    await handled(await send('backup.completed.v1', fresh));
    expect(await statusOf(record)).toEqual({ backup_status: 'backed_up', backup_ref: fresh.backupId });
  });
});
