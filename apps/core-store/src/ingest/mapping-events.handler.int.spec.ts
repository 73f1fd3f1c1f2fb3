import { ServiceBusMessage } from '@azure/service-bus';
import type { MappingResultV1 } from '@comply/contracts';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';
import { mappingEvent } from '../testing/mapping-fixtures';

/** Bus ingest and quota updates, end to end through the emulator, the service's consumers and its outbox relay. */
describe('core-store bus consumers', () => {
  let app: CoreStoreTestApp;

  const send = async (topic: string, bodies: Array<{ subject: string; body: unknown; tenantId?: string; messageId?: string }>) => {
    const sender = app.client!.createSender(topic);
    const messages: ServiceBusMessage[] = bodies.map((m) => ({
      messageId: m.messageId ?? randomUUID(),
      subject: m.subject,
      body: m.body,
      contentType: 'application/json',
      applicationProperties: m.tenantId ? { tenantId: m.tenantId } : undefined,
    }));
    for (let i = 0; i < messages.length; i += 100) await sender.sendMessages(messages.slice(i, i + 100));
    await sender.close();
  };
  const sendMappings = (events: MappingResultV1[], tenantProperty = true) =>
    send(
      'mapping-events',
      events.map((body) => ({ subject: 'mapping.result.v1', body, tenantId: tenantProperty ? body.tenantId : undefined })),
    );
  const count = async (where: string, values: unknown[] = []) => (await app.sql<{ n: number }>(`select count(*)::int as n from storage_records where ${where}`, values))[0].n;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true });
    await app.createTenant('acme');
    await app.createTenant('globex');
    await app.createTenant('capped', { monthlyRecordQuota: 5 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('stores events of several tenants, each under its own tenant, and relays one record.stored.v1 per record and audit events listing each record once', async () => {
    const events = Array.from({ length: 300 }, (_, i) => mappingEvent(i % 3 === 0 ? 'globex' : 'acme'));
    await sendMappings(events);
    await until(() => count('true'), (n) => n >= 300);
    expect(await count(`tenant_id = 'acme'`)).toBe(200);
    expect(await count(`tenant_id = 'globex'`)).toBe(100);
    const byRequest = await app.sql<{ request_id: string; tenant_id: string }>('select request_id, tenant_id from storage_records');
    const tenantOf = new Map(byRequest.map((r) => [r.request_id, r.tenant_id]));
    for (const event of events) expect(tenantOf.get(event.requestId)).toBe(event.tenantId);

    const stored = await app.drain('core-events', 'billing', { quietMs: 1_500 });
    expect(stored).toHaveLength(300);
    expect(new Set(stored.map((m) => (m.body as { requestId: string }).requestId))).toEqual(new Set(events.map((e) => e.requestId)));
    for (const message of stored) expect(message.applicationProperties?.tenantId).toBe((message.body as { tenantId: string }).tenantId);
    const audits = await app.drain('audit-events', 'audit-writer', { quietMs: 1_500 });
    const audited = audits
      .filter((m) => (m.body as { action: string }).action === 'record.create')
      .flatMap((m) => (m.body as { details: { recordIds: string[] } }).details.recordIds);
    expect(audited.sort()).toEqual(stored.map((m) => (m.body as { recordId: string }).recordId).sort());
  }, 90_000);

  it('stores a resent mapping (new message id, same tenant and requestId) once and relays nothing for the resend', async () => {
    const event = mappingEvent('acme');
    await sendMappings([event]);
    await until(() => count('request_id = $1', [event.requestId]), (n) => n === 1);
    await app.drain('core-events', 'billing', { quietMs: 1_000 });
    await sendMappings([event, event]);
    const inbox = () => app.sql<{ n: number }>(`select count(*)::int as n from messaging_inbox where subscription = 'mapping-events/core-store'`);
    const before = (await inbox())[0].n;
    await until(inbox, (rows) => rows[0].n >= before + 2);
    expect(await count('request_id = $1', [event.requestId])).toBe(1);
    expect(await app.drain('core-events', 'billing', { quietMs: 1_000 })).toEqual([]);
  }, 60_000);

  it('dead-letters only what a rule refuses, with the reason: over quota, unknown tenant, tenant property mismatch', async () => {
    const capped = Array.from({ length: 7 }, () => mappingEvent('capped'));
    const unknown = mappingEvent('nobody');
    const acme = mappingEvent('acme');
    await sendMappings([...capped, unknown, acme]);
    await send('mapping-events', [{ subject: 'mapping.result.v1', body: mappingEvent('globex'), tenantId: 'acme' }]);
    const dead = await until(
      () => app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 500 }),
      (messages) => messages.length > 0,
    );
    const more = await app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 3_000 });
    const reasons = [...dead, ...more].map((m) => m.deadLetterReason).sort();
    expect(reasons).toEqual(['QuotaExceeded', 'QuotaExceeded', 'TenantMismatch', 'UnknownTenant']);
    expect(await count(`tenant_id = 'capped'`)).toBe(5);
    expect(await count('request_id = $1', [acme.requestId])).toBe(1);
    expect([...dead, ...more].find((m) => m.deadLetterReason === 'UnknownTenant')?.deadLetterErrorDescription).toMatch(/nobody/);
  }, 60_000);

  it('refuses single mappings of a batch without splitting it: the rest is stored in one transaction', async () => {
    await app.createTenant('picky', { allowedDetectors: ['presidio'] });
    const kept = Array.from({ length: 30 }, () => mappingEvent('picky'));
    const refused = { ...mappingEvent('picky'), detector: { name: 'regex', type: 'pii', version: '1' } };
    await sendMappings([...kept.slice(0, 15), refused, mappingEvent('nobody'), ...kept.slice(15)]);
    const dead = await until(
      () => app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 500 }),
      (messages) => messages.length >= 2,
    );
    expect(dead.map((m) => m.deadLetterReason).sort()).toEqual(['DetectorNotAllowed', 'UnknownTenant']);
    await until(() => count(`tenant_id = 'picky'`), (n) => n >= 30);
    const transactions = await app.sql<{ n: number }>(`select count(distinct xmin::text)::int as n from storage_records where tenant_id = 'picky'`);
    expect(transactions[0].n).toBeLessThanOrEqual(2);
    expect(await app.sql(`select 1 from storage_record_keys where tenant_id = 'picky' and request_id = $1`, [refused.requestId])).toEqual([]);
  }, 60_000);

  describe('mapping.batch.v1', () => {
    const batchOf = (tenantId: string, mappings: MappingResultV1[]) => ({
      subject: 'mapping.batch.v1',
      tenantId,
      body: { tenantId, mappings: mappings.map(({ tenantId: _tenant, ...mapping }) => mapping) },
    });
    const mappingsOf = (tenantId: string, n: number) => Array.from({ length: n }, () => mappingEvent(tenantId));

    it('stores every mapping of each message, once, with one record.stored.v1 each, and a resent message changes nothing', async () => {
      const [first, second, third] = [mappingsOf('acme', 120), mappingsOf('acme', 80), mappingsOf('globex', 50)];
      await send('mapping-events', [batchOf('acme', first), batchOf('acme', second), batchOf('globex', third)]);
      const all = [...first, ...second, ...third];
      await until(() => count('request_id = any($1)', [all.map((m) => m.requestId)]), (n) => n === 250);
      // Earlier tests may leave their own record.stored.v1 behind on this subscription.
      const ours = new Set(all.map((m) => m.requestId));
      const stored = (await app.drain('core-events', 'billing', { quietMs: 1_500 })).map((m) => (m.body as { requestId: string }).requestId).filter((id) => ours.has(id));
      expect(stored.sort()).toEqual([...ours].sort());
      const tenantOf = new Map((await app.sql<{ request_id: string; tenant_id: string }>('select request_id, tenant_id from storage_records')).map((r) => [r.request_id, r.tenant_id]));
      for (const mapping of all) expect(tenantOf.get(mapping.requestId)).toBe(mapping.tenantId);

      await send('mapping-events', [batchOf('acme', first)]);
      await until(() => app.sql<{ n: number }>(`select count(*)::int as n from storage_records where request_id = any($1)`, [first.map((m) => m.requestId)]), (rows) => rows[0].n === 120);
      const resent = await app.drain('core-events', 'billing', { quietMs: 2_000 });
      expect(resent.filter((m) => ours.has((m.body as { requestId: string }).requestId))).toEqual([]);
      expect(await app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 200 })).toEqual([]);
    }, 90_000);

    it('dead-letters a message with a refused mapping whole, naming each refusal by index, and stores the other messages', async () => {
      await app.createTenant('strict', { allowedDetectors: ['presidio'] });
      const refusedBatch = mappingsOf('strict', 6);
      refusedBatch[2] = { ...refusedBatch[2], detector: { name: 'regex', type: 'pii', version: '1' } };
      refusedBatch[4] = { ...refusedBatch[4], detector: { name: 'spacy', type: 'pii', version: '3' } };
      const keptBatch = mappingsOf('strict', 7);
      const overQuota = mappingsOf('capped', 20);
      await send('mapping-events', [batchOf('strict', refusedBatch), batchOf('strict', keptBatch), batchOf('capped', overQuota)]);
      const dead = await until(
        () => app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 1_000 }),
        (messages) => messages.length >= 2,
      );
      const byReason = new Map(dead.map((m) => [m.deadLetterReason, m]));
      expect([...byReason.keys()].sort()).toEqual(['DetectorNotAllowed', 'QuotaExceeded']);
      const description = byReason.get('DetectorNotAllowed')!.deadLetterErrorDescription;
      expect(description).toMatch(/^2 of the batch's mappings refused/);
      expect(description).toContain('mappings[2]: DetectorNotAllowed');
      expect(description).toContain('mappings[4]: DetectorNotAllowed');
      expect(byReason.get('QuotaExceeded')!.deadLetterErrorDescription).toContain('mappings[');

      await until(() => count(`tenant_id = 'strict'`), (n) => n >= 7);
      expect(await count('request_id = any($1)', [keptBatch.map((m) => m.requestId)])).toBe(7);
      expect(await count('request_id = any($1)', [refusedBatch.map((m) => m.requestId)])).toBe(0);
      expect(await count('request_id = any($1)', [overQuota.map((m) => m.requestId)])).toBe(0);
      const keys = await app.sql(`select 1 from storage_record_keys where request_id = any($1)`, [[...refusedBatch, ...overQuota].map((m) => m.requestId)]);
      expect(keys).toEqual([]);
    }, 90_000);

    it('dead-letters a malformed batch as a contract violation naming the mapping and field', async () => {
      const mappings = mappingsOf('acme', 3);
      const body = { tenantId: 'acme', mappings: mappings.map(({ tenantId: _tenant, ...mapping }) => mapping) };
      (body.mappings[1] as { confidence: unknown }).confidence = 7;
      await send('mapping-events', [{ subject: 'mapping.batch.v1', tenantId: 'acme', body }]);
      const [dead] = await until(
        () => app.drain('mapping-events', 'core-store', { deadLetter: true, quietMs: 500 }),
        (messages) => messages.length > 0,
      );
      expect(dead.deadLetterReason).toBe('ContractViolation');
      expect(dead.deadLetterErrorDescription).toMatch(/mappings\[1\]\.confidence/);
      expect(await count('request_id = any($1)', [mappings.map((m) => m.requestId)])).toBe(0);
    }, 60_000);
  });

  it('applies billing quota changes in order of occurrence, ignoring a late older one, and dead-letters an unknown tenant', async () => {
    const quota = (tenantId: string, monthlyRecords: number, occurredAt: string) => ({
      subject: 'billing.quota.changed.v1',
      tenantId,
      body: { tenantId, plan: 'pro', quota: { monthlyRecords }, occurredAt },
    });
    const configOf = () => app.sql(`select monthly_record_quota, quota_plan, version from tenant_configs where tenant_id = 'globex'`);
    const [{ version }] = await configOf();
    await send('billing-events', [quota('globex', 1000, '2026-11-20T10:00:00Z')]);
    await until(configOf, (rows) => rows[0].monthly_record_quota === 1000);
    await send('billing-events', [quota('globex', 10, '2026-11-19T10:00:00Z'), quota('ghost', 10, '2026-11-20T10:00:00Z')]);
    const dead = await until(
      () => app.drain('billing-events', 'core-store', { deadLetter: true, quietMs: 500 }),
      (messages) => messages.length > 0,
    );
    expect(dead.map((m) => m.deadLetterReason)).toEqual(['UnknownTenant']);
    expect(await configOf()).toEqual([{ monthly_record_quota: 1000, quota_plan: 'pro', version: version + 1 }]);
  }, 60_000);
});
