import { auditArchivalRun, type ArchiveCompletedV1, type ArchiveFailedV1, type AuditArchivalRun } from '@comply/contracts';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { AuditWriterTestApp, startAuditWriterTestApp } from '../testing/audit-writer-test-app';
import { appendOld } from '../testing/old-entries';

/** Two months years past the default retention of 84 months. */
const JANUARY = 'audit_log_p201901';
const FEBRUARY = 'audit_log_p201902';
const POLL = { timeoutMs: 30_000 };

describe('archival hand-off to backup-worker (AUDIT_ARCHIVE_HANDOFF)', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;

  const archival = async () => {
    const response = await app.request<AuditArchivalRun>('POST', '/v1/audit/archival/run', { token: app.adminToken });
    expect(response.status).toBe(200);
    return auditArchivalRun.parse(response.body);
  };
  const outcomes = (body: AuditArchivalRun) => Object.fromEntries(body.partitions.map((p) => [p.partition, p.outcome]));
  const partitionExists = async (name: string) => (await app.sql<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [name]))[0]?.exists;
  const requests = async () => (await app.outbox('archive.requested.v1')).map((row) => row.body);

  /** Answered as backup-worker does, on backup-events; resolves once audit-writer handled it. */
  async function answer(type: 'archive.completed.v1' | 'archive.failed.v1', body: ArchiveCompletedV1 | ArchiveFailedV1): Promise<void> {
    const messageId = randomUUID();
    const sender = app.client!.createSender('backup-events');
    try {
      await sender.sendMessages({ messageId, subject: type, body, contentType: 'application/json' });
    } finally {
      await sender.close();
    }
    await until(
      () => app.sql(`select 1 from messaging_inbox where subscription = 'backup-events/audit-writer' and message_id = $1`, [messageId]),
      (rows) => rows.length > 0,
      POLL,
    );
  }

  function completed(requestId: string, table: string, rows: number): ArchiveCompletedV1 {
    return {
      requestId,
      database: 'audit',
      table,
      rows,
      digest: `sha256:${'ab'.repeat(32)}`,
      blob: { container: 'backup-worker', name: `archives/audit/${table}/${requestId}.cbk` },
      checksum: `sha256:${'cd'.repeat(32)}`,
      sizeBytes: 4096,
      completedAt: new Date().toISOString(),
    };
  }

  beforeAll(async () => {
    app = await startAuditWriterTestApp({ messaging: true, env: { AUDIT_ARCHIVE_HANDOFF: 'true' } });
    const a = await app.createTenant(`handoff-a-${run}`);
    const b = await app.createTenant(`handoff-b-${run}`);
    await appendOld(app, a.id, '2019-01-01', 3);
    await appendOld(app, b.id, '2019-02-01', 2);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('archives and verifies, asks backup-worker with the row count, and keeps the partitions until it answers', async () => {
    const first = await archival();
    expect(outcomes(first)).toEqual({ [JANUARY]: 'awaiting-handoff', [FEBRUARY]: 'awaiting-handoff' });
    expect(await partitionExists(JANUARY)).toBe(true);
    expect(await partitionExists(FEBRUARY)).toBe(true);
    const asked = await requests();
    expect(asked.map((r) => [r.table, r.rows, r.database])).toEqual([
      [JANUARY, 3, 'audit'],
      [FEBRUARY, 2, 'audit'],
    ]);
    const [record] = await app.sql(`select verified_at, handoff_status, handoff_request_id from audit_archives where partition = $1`, [JANUARY]);
    expect(record).toMatchObject({ handoff_status: 'requested', handoff_request_id: asked[0].requestId });
    expect(record?.verified_at).toBeInstanceOf(Date);

    // No answer yet: kept, and not asked twice.
    expect(outcomes(await archival())).toEqual({ [JANUARY]: 'awaiting-handoff', [FEBRUARY]: 'awaiting-handoff' });
    expect(await requests()).toHaveLength(2);
  });

  it('drops a partition once its archive completed with its row count, and keeps and asks again for one that failed', async () => {
    const [january, february] = await requests();
    // An answer to a request that is not the partition's current one changes nothing.
    await answer('archive.completed.v1', completed(randomUUID(), JANUARY, 3));
    expect((await app.sql(`select handoff_status from audit_archives where partition = $1`, [JANUARY]))[0]?.handoff_status).toBe('requested');
    await answer('archive.completed.v1', completed(january.requestId, JANUARY, 3));
    await answer('archive.failed.v1', {
      requestId: february.requestId,
      database: 'audit',
      table: FEBRUARY,
      error: { code: 'BlobWriteFailed', message: 'blob storage: 503 ServerBusy' },
      failedAt: new Date().toISOString(),
    });

    const next = await archival();
    expect(outcomes(next)).toEqual({ [JANUARY]: 'archived', [FEBRUARY]: 'awaiting-handoff' });
    expect(await partitionExists(JANUARY)).toBe(false);
    expect(await partitionExists(FEBRUARY)).toBe(true);
    const asked = await requests();
    expect(asked).toHaveLength(3);
    expect(asked[2]).toMatchObject({ table: FEBRUARY, rows: 2 });
    expect(asked[2].requestId).not.toBe(february.requestId);
    const [kept] = await app.sql(`select handoff_status, handoff_request_id from audit_archives where partition = $1`, [FEBRUARY]);
    expect(kept).toEqual({ handoff_status: 'requested', handoff_request_id: asked[2].requestId });
    const metrics = await app.request<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/^audit_archival_handoff_failures_total{service="audit-writer"} 1$/m);
  });
});
