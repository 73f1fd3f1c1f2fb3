import { EVENT_EXAMPLES } from '@comply/contracts';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { AnalyticsTestApp, startAnalyticsTestApp } from '../testing/analytics-test-app';

/** tenant.erased.v1 through the emulator: every rollup row of the tenant goes, and its late events count nothing. */
describe('analytics tenant erasure', () => {
  const run = randomUUID().slice(0, 8);
  let app: AnalyticsTestApp;

  beforeAll(async () => {
    app = await startAnalyticsTestApp({ messaging: true });
  }, 60_000);

  afterAll(() => app?.close(), 60_000);

  async function send(topic: string, subject: string, body: Record<string, unknown>): Promise<string> {
    const messageId = randomUUID();
    const sender = app.client!.createSender(topic);
    try {
      await sender.sendMessages({ messageId, subject, contentType: 'application/json', body, applicationProperties: { tenantId: body.tenantId as string } });
    } finally {
      await sender.close();
    }
    return messageId;
  }

  const processed = (messageId: string) => until(() => app.sql('select 1 from messaging_inbox where message_id = $1', [messageId]), (rows) => rows.length > 0);
  const stored = (tenantId: string) => send('core-events', 'record.stored.v1', { ...EVENT_EXAMPLES['record.stored.v1'], tenantId, recordId: randomUUID(), storedAt: new Date().toISOString() });
  const rollupRows = async (tenantId: string) =>
    (await app.sql<{ n: number }>(`select (select count(*) from record_rollups_daily where tenant_id = $1) + (select count(*) from record_dimension_rollups_hourly where tenant_id = $1) as n`, [tenantId]))[0];

  it('deletes the tenant’s rollups, keeps the others’, and refuses to count its late events', async () => {
    const [gone, kept] = [`gone-${run}`, `kept-${run}`];
    await app.createTenant(gone);
    await app.createTenant(kept);
    await processed(await stored(gone));
    await processed(await stored(kept));
    expect(Number((await rollupRows(gone)).n)).toBeGreaterThan(0);

    await send('tenant-events', 'tenant.erased.v1', { tenantId: gone, version: 2, occurredAt: new Date().toISOString() });
    const [audit] = await until(
      async () => (await app.outbox('audit.event.v1')).filter((row) => row.body.action === 'tenant.erase' && row.tenant_id === gone),
      (rows) => rows.length > 0,
    );
    expect(audit.body).toMatchObject({ actor: { type: 'service', id: 'analytics-ingest' }, details: { rollupRowsDeleted: expect.any(Number) } });
    expect(audit.body.details.rollupRowsDeleted).toBeGreaterThan(0);
    expect(Number((await rollupRows(gone)).n)).toBe(0);

    await processed(await stored(gone));
    expect(Number((await rollupRows(gone)).n)).toBe(0);
    expect(Number((await rollupRows(kept)).n)).toBeGreaterThan(0);
  }, 60_000);
});
