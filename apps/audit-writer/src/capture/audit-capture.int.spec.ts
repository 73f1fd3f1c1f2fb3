import { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { EVENT_EXAMPLES, PLATFORM_TOPOLOGY, type AuditEventV1 } from '@comply/contracts';
import { emulatorTopology, RunningEmulator, ShiftedClock, startEmulator } from '@comply/servicebus-emulator';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { verifyChain } from '../ledger/hash-chain';
import { leafHash } from '../ledger/merkle-tree';
import { AuditWriterTestApp, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

/** The topics' duplicate-detection window (libs/contracts topology), and a minute more. */
const PAST_DUPLICATE_WINDOW_MS = 11 * 60_000;

interface Sent {
  messageId: string;
  payload: AuditEventV1;
}

interface StoredRow {
  log_id: string;
  sequence: string;
  event_id: string;
  tenant_id: string | null;
  service: string;
  canonical: Buffer;
  leaf_hash: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * Capture through the real path: audit events on the emulator, audit-writer's batch consumer with
 * its inbox, the audit database as audit_app. Redeliveries are real deliveries of the same message
 * ids, sent again past the broker's duplicate-detection window, so only the inbox stands between
 * them and a second entry.
 */
describe('capture of audit.event.v1', () => {
  const clock = new ShiftedClock();
  const run = randomUUID().slice(0, 8);
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let app: AuditWriterTestApp;

  beforeAll(async () => {
    bus = await startEmulator({ host: '127.0.0.1', port: 0, topology: emulatorTopology(PLATFORM_TOPOLOGY), clock });
    client = new ServiceBusClient(bus.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 10_000 } });
    app = await startAuditWriterTestApp({ messaging: true, serviceBusConnectionString: bus.connectionString, env: { CONSUMER_CONCURRENCY: '16' } });
  }, 60_000);

  // Closing after 20,000 events at concurrency 16 on a loaded machine has taken over 30 s (see
  // rollup-correctness.int.spec.ts, which has the same shape).
  afterAll(async () => {
    await app?.close();
    await client?.close();
    await bus?.stop();
  }, 120_000);

  async function send(messages: ServiceBusMessage[]): Promise<void> {
    const sender = client.createSender('audit-events');
    try {
      let batch = await sender.createMessageBatch();
      for (const message of messages) {
        if (batch.tryAddMessage(message)) continue;
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(message)) throw new Error('a message does not fit an empty batch');
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    } finally {
      await sender.close();
    }
  }

  const messageOf = ({ messageId, payload }: Sent): ServiceBusMessage => ({
    messageId,
    subject: 'audit.event.v1',
    body: payload,
    correlationId: payload.correlationId,
    contentType: 'application/json',
    applicationProperties: payload.tenantId ? { tenantId: payload.tenantId } : {},
  });

  function audit(tenantId: string | undefined, overrides: Partial<AuditEventV1> = {}): Sent {
    const messageId = randomUUID();
    return { messageId, payload: { ...EVENT_EXAMPLES['audit.event.v1'], tenantId, correlationId: `corr-${messageId}`, ...overrides } };
  }

  const rowsOf = (logId: string) =>
    app.sql<StoredRow>(
      `select log_id, sequence::text, event_id, tenant_id, service, canonical, leaf_hash, prev_hash, hash from audit_log where log_id = $1 order by audit_log.sequence`,
      [logId],
    );

  /** Sequences 1..n without a gap, each event once, leaf hashes that hash the canonical bytes, an intact chain, and the head at the end. */
  async function expectSoundLog(logId: string, eventIds: string[]): Promise<void> {
    const rows = await rowsOf(logId);
    expect(rows.map((row) => Number(row.sequence))).toEqual(eventIds.map((_, i) => i + 1));
    expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(eventIds));
    for (const row of rows) expect(leafHash(row.canonical)).toEqual(row.leaf_hash);
    expect(verifyChain(rows.map((row) => ({ sequence: Number(row.sequence), prevHash: row.prev_hash, hash: row.hash, canonical: row.canonical })))).toEqual({ ok: true });
    const [head] = await app.sql<{ size: string; head_hash: Buffer }>(`select size::text, head_hash from audit_logs where log_id = $1`, [logId]);
    expect({ size: Number(head?.size), head: head?.head_hash }).toEqual({ size: rows.length, head: rows[rows.length - 1]?.hash });
  }

  const inboxed = async () => (await app.sql<{ n: number }>(`select count(*)::int as n from messaging_inbox where subscription = 'audit-events/audit-writer'`))[0]?.n ?? 0;
  const metric = async (name: string) => {
    const metrics = await app.request<string>('GET', '/metrics');
    const line = metrics.body.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('subscription="audit-events/audit-writer"'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  it('appends events in order of arrival, chained, with their canonical entry and the source they name', async () => {
    const tenantId = `order-${run}`;
    const sent = [audit(tenantId, { action: 'tenant.create' }), audit(tenantId, { action: 'api_key.create', source: undefined }), audit(tenantId, { action: 'api_key.revoke' })];
    for (const event of sent) await send([messageOf(event)]);
    await until(() => rowsOf(tenantId), (rows) => rows.length === 3);
    await expectSoundLog(tenantId, sent.map((event) => event.messageId));
    const rows = await rowsOf(tenantId);
    expect(rows.map((row) => row.event_id)).toEqual(sent.map((event) => event.messageId));
    expect(rows.map((row) => row.service)).toEqual(['core-store', 'unknown', 'core-store']);
    const first = JSON.parse(rows[0]?.canonical.toString('utf8') ?? '{}');
    expect(first).toEqual({
      v: 1,
      log: tenantId,
      sequence: 1,
      eventId: sent[0]?.messageId,
      tenantId,
      occurredAt: '2025-06-01T12:00:01.250Z',
      recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      actor: { type: 'api_key', id: 'key_7f3a' },
      action: 'tenant.create',
      resource: { type: 'record', id: '0197a2c4-5b1e-7c3d-9f10-2a4b6c8d0e1f' },
      outcome: 'success',
      correlationId: sent[0]?.payload.correlationId,
      source: { service: 'core-store', host: 'core-store-7d9f', ip: '203.0.113.7', userAgent: 'curl/8.5.0' },
      details: { reason: 'request' },
    });
    expect(Object.keys(first)).toEqual(Object.keys(first).sort());
  }, 60_000);

  it('appends a redelivered event (same message id, past duplicate detection) once', async () => {
    const tenantId = `redelivered-${run}`;
    const event = audit(tenantId);
    await send([messageOf(event)]);
    await until(() => rowsOf(tenantId), (rows) => rows.length === 1);
    const skippedBefore = await metric('messaging_duplicates_skipped_total');
    clock.advance(PAST_DUPLICATE_WINDOW_MS);
    await send([messageOf(event)]);
    await until(() => metric('messaging_duplicates_skipped_total'), (n) => n > skippedBefore);
    await expectSoundLog(tenantId, [event.messageId]);
  }, 60_000);

  it('appends events without a tenant to the platform log', async () => {
    const events = [audit(undefined, { action: 'plan.create' }), audit(undefined, { action: 'plan.update' })];
    await send(events.map(messageOf));
    await until(() => rowsOf('platform'), (rows) => events.every((event) => rows.some((row) => row.event_id === event.messageId)));
    const rows = await rowsOf('platform');
    expect(rows.every((row) => row.tenant_id === null)).toBe(true);
    await expectSoundLog('platform', rows.map((row) => row.event_id));
    expect(JSON.parse(rows[0]?.canonical.toString('utf8') ?? '{}')).not.toHaveProperty('tenantId');
  }, 60_000);

  it('dead-letters an event that breaks the contract, or claims the platform log as a tenant, with its reason; neither is appended', async () => {
    const broken = audit(`broken-${run}`, { action: 'Delete Everything' });
    const reserved = audit('platform');
    await send([messageOf(broken), messageOf(reserved)]);
    const dead = await until(
      () => app.drain('audit-events', 'audit-writer', { deadLetter: true, quietMs: 300 }),
      (messages) => messages.length > 0,
      { timeoutMs: 30_000 },
    );
    const more = dead.length < 2 ? await app.drain('audit-events', 'audit-writer', { deadLetter: true, quietMs: 1_000 }) : [];
    const reasons = Object.fromEntries([...dead, ...more].map((message) => [message.messageId, { reason: message.deadLetterReason, description: message.deadLetterErrorDescription }]));
    expect(reasons[broken.messageId]).toEqual({ reason: 'ContractViolation', description: expect.stringContaining('action') });
    expect(reasons[reserved.messageId]).toEqual({ reason: 'ReservedLogId', description: expect.stringContaining('platform') });
    expect(await rowsOf(`broken-${run}`)).toEqual([]);
    expect((await rowsOf('platform')).some((row) => row.event_id === reserved.messageId)).toBe(false);
  }, 60_000);

  it('keeps 50 tenant logs gapless, unforked and duplicate-free under 20,000 events at concurrency 16, a fifth of them delivered twice', async () => {
    const tenants = Array.from({ length: 50 }, (_, i) => `load-${i}-${run}`);
    const events = Array.from({ length: 20_000 }, (_, i) => audit(tenants[(i * 7 + Math.floor(i / 50)) % 50], { details: { i } }));
    const twice = events.filter((_, i) => i % 5 === 0);
    const inboxBefore = await inboxed();
    const skippedBefore = await metric('messaging_duplicates_skipped_total');

    await send(events.map(messageOf));
    // The copies arrive while the first deliveries are still being appended.
    clock.advance(PAST_DUPLICATE_WINDOW_MS);
    await send(twice.map(messageOf));

    await until(inboxed, (n) => n >= inboxBefore + 20_000, { timeoutMs: 300_000, intervalMs: 500 });
    await until(() => metric('messaging_duplicates_skipped_total'), (n) => n >= skippedBefore + twice.length, { timeoutMs: 120_000, intervalMs: 500 });

    const [total] = await app.sql<{ n: number }>(`select count(*)::int as n from audit_log where log_id like 'load-%-' || $1`, [run]);
    expect(total?.n).toBe(20_000);
    for (const tenantId of tenants) {
      const own = events.filter((event) => event.payload.tenantId === tenantId).map((event) => event.messageId);
      await expectSoundLog(tenantId, own);
    }
    expect(await app.drain('audit-events', 'audit-writer', { deadLetter: true, quietMs: 300 })).toEqual([]);
  }, 600_000);
});
