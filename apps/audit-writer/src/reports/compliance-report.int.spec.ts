import { COMPLIANCE_CATALOG, complianceReport, type AuditEventV1, type ComplianceReport } from '@comply/contracts';
import type { IncomingEvent } from '@comply/messaging';
import { randomUUID } from 'node:crypto';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-02-01T00:00:00.000Z';
const PERIOD = `from=${FROM}&to=${TO}`;

type Actor = AuditEventV1['actor']['type'];
const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 0, day, hour)).toISOString();

/** One event of the fixture: appended in this order, so its sequence is its index + 1. */
function event(tenantId: string | undefined, action: string, actorType: Actor, occurredAt: string, overrides: Partial<AuditEventV1> = {}): IncomingEvent<'audit.event.v1'> {
  return incomingAudit(tenantId, {
    action,
    actor: { type: actorType, id: actorType === 'user' ? 'platform-admin' : `${actorType}-1` },
    resource: { type: action.slice(0, action.indexOf('.')), id: randomUUID() },
    outcome: 'success',
    occurredAt,
    ...overrides,
  });
}

/** An auth.* entry of the failed-authentication audit: `count` refusals of one reason. */
function refusals(tenantId: string | undefined, credential: 'api_key' | 'admin_token', reason: string, count: unknown, occurredAt: string, outcome: AuditEventV1['outcome'] = 'denied') {
  return event(tenantId, `auth.${credential}`, 'system', occurredAt, {
    actor: { type: 'system', id: 'billing' },
    resource: { type: credential },
    outcome,
    details: { reason, count, firstAt: occurredAt, lastAt: occurredAt, sampleIps: ['10.0.0.1'], sampleUserAgents: [], windowMs: 60_000 },
  });
}

describe('compliance reports (GET /v1/audit/reports/:framework)', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;
  let tenantA: { id: string; key: string };
  let tenantB: { id: string; key: string };

  const report = (path: string, token: string) => app.request('GET', `/v1/audit/reports/${path}`, { token });

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    tenantA = await app.createTenant(`rep-a-${run}`);
    tenantB = await app.createTenant(`rep-b-${run}`);
    const a = tenantA.id;
    await app.append([
      /* 1 */ event(a, 'api_key.create', 'user', '2025-12-31T23:59:59.999Z'), // before the period
      /* 2 */ event(a, 'api_key.create', 'user', FROM), // its first instant
      /* 3 */ event(a, 'record.create', 'api_key', at(2)),
      /* 4 */ event(a, 'api_key.create', 'user', at(3)),
      /* 5 */ event(a, 'api_key.revoke', 'user', at(4)),
      /* 6 */ event(a, 'record.create', 'api_key', at(5)),
      /* 7 */ event(a, 'data_key.rotate', 'user', at(6)),
      /* 8 */ event(a, 'record.delete', 'api_key', at(7)),
      /* 9 */ event(a, 'tenant.erase', 'service', at(8)),
      /* 10 */ event(a, 'api_key.create', 'api_key', at(9), { outcome: 'denied' }), // refused: no key was created
      /* 11 */ event(a, 'record.erase', 'system', at(10)),
      /* 12 */ event(a, 'api_key.insert', 'user', at(11)), // a DBA's key, through core's out-of-band trigger
      /* 13 */ event(a, 'record.delete', 'api_key', at(12)),
      /* 14 */ event(a, 'record.delete', 'api_key', at(13)),
      /* 15 */ event(a, 'record.delete', 'api_key', at(14)),
      /* 16 */ event(a, 'record.delete', 'api_key', at(15)),
      /* 17 */ event(a, 'tenant.update', 'user', at(16), {
        actor: { type: 'user', id: '<script>alert(1)</script>' },
        resource: { type: 'tenant', id: '"><img src=x onerror=alert(2)>' },
        details: { note: '</style><script>alert(3)</script>' },
      }),
      /* 18 */ event(a, 'api_key.revoke', 'user', at(31, 23)),
      /* 19 */ event(a, 'api_key.create', 'user', TO), // the end is exclusive
    ]);
    await app.append([
      ...Array.from({ length: 7 }, (_, i) => event(tenantB.id, 'api_key.create', 'user', at(i + 1))),
      event(tenantB.id, 'tenant.erase', 'service', at(20)),
    ]);
    await app.append([event(undefined, 'plan.create', 'user', at(9)), event(undefined, 'plan.update', 'user', at(10))]);
    // Failed authentication as the shared key guard writes it: one entry per reason, tenant and key per window.
    await app.append([
      /* 9 */ refusals(tenantB.id, 'api_key', 'wrong_secret', 7, at(21)),
      /* 10 */ refusals(tenantB.id, 'api_key', 'revoked_key', 4, at(22)),
      /* 11 */ refusals(tenantB.id, 'api_key', 'missing_scope', 'many', at(23)), // not a count: stands for 1
      /* 12 */ refusals(tenantB.id, 'api_key', 'wrong_secret', 5, at(31, 23), 'success'), // not a refusal
    ]);
    await app.append([refusals(undefined, 'admin_token', 'wrong_token', 12, at(3)), refusals(undefined, 'api_key', 'unknown_key', 10_000, at(4))]);
  }, 60_000);

  afterAll(() => app?.close());

  const evidence = (body: ComplianceReport, control: string, kind: string) =>
    body.controls.find((c) => c.id === control)?.evidence.find((e) => e.kind === kind);

  it("counts each kind of evidence in a tenant's log over the period, with first and last time and the first sequences", async () => {
    const response = await report(`soc2?${PERIOD}`, tenantA.key);
    expect(response.status).toBe(200);
    const body = complianceReport.parse(response.body);
    expect(body).toMatchObject({ framework: 'SOC2', logId: tenantA.id, period: { from: FROM, to: TO } });
    expect(body.controls.map((c) => c.id)).toEqual(COMPLIANCE_CATALOG.SOC2.controls.map((c) => c.id));
    expect(evidence(body, 'CC6.1', 'admin-action')).toEqual({
      kind: 'admin-action',
      title: 'Administrative actions',
      count: 7,
      firstAt: FROM,
      lastAt: at(31, 23),
      sampleSequences: [2, 4, 5, 7, 12],
    });
    expect(evidence(body, 'CC6.1', 'key-creation')).toMatchObject({ count: 3, firstAt: FROM, lastAt: at(11), sampleSequences: [2, 4, 12] });
    expect(evidence(body, 'CC6.1', 'key-revocation')).toMatchObject({ count: 2, firstAt: at(4), lastAt: at(31, 23), sampleSequences: [5, 18] });
    expect(evidence(body, 'CC6.1', 'data-key-rotation')).toMatchObject({ count: 1, firstAt: at(6), lastAt: at(6), sampleSequences: [7] });
    expect(evidence(body, 'P4.1', 'erasure')).toMatchObject({ count: 7, firstAt: at(7), lastAt: at(15), sampleSequences: [8, 9, 11, 13, 14] });
    expect(body.totals).toEqual({
      entries: 17,
      evidenceEntries: 14,
      byKind: {
        'admin-action': 7,
        'key-creation': 3,
        'key-revocation': 2,
        'data-key-rotation': 1,
        erasure: 7,
        'failed-authentication': 0,
        'sensitive-record-access': 'not collected',
      },
    });
  });

  it('counts failed authentication as the refusals its entries stand for (the sum of details.count), denied ones only', async () => {
    const body = complianceReport.parse((await report(`soc2?${PERIOD}`, tenantB.key)).body);
    expect(evidence(body, 'CC7.3', 'failed-authentication')).toEqual({
      kind: 'failed-authentication',
      title: 'Failed authentication',
      count: 12,
      firstAt: at(21),
      lastAt: at(23),
      sampleSequences: [9, 10, 11],
    });
    const platform = complianceReport.parse((await report(`iso27001?${PERIOD}&log=platform`, app.adminToken)).body);
    expect(platform.totals).toMatchObject({ entries: 4, evidenceEntries: 4, byKind: { 'failed-authentication': 10_012 } });
    const page = (await report(`hipaa?${PERIOD}&log=platform&format=html`, app.adminToken)).body as string;
    expect(page).toMatch(/<td class="count">10012<\/td>/);
  });

  it('reports evidence no service writes as "not collected", with the reason, never as 0', async () => {
    const body = complianceReport.parse((await report(`hipaa?${PERIOD}`, tenantA.key)).body);
    expect(evidence(body, '164.312(a)(1)', 'sensitive-record-access')).toEqual({
      kind: 'sensitive-record-access',
      title: expect.any(String),
      count: 'not collected',
      notCollectedReason: expect.stringMatching(/\w/),
      sampleSequences: [],
    });
    expect(evidence(body, '164.312(a)(1)', 'failed-authentication')).toEqual({ kind: 'failed-authentication', title: 'Failed authentication', count: 0, sampleSequences: [] });
    expect(body.controls.find((c) => c.id === '164.312(e)(1)')).toMatchObject({ labels: ['PHI'], evidence: [], note: expect.any(String) });
    expect(evidence(body, '164.312(a)(2)(iv)', 'data-key-rotation')).toMatchObject({ count: 1 });
  });

  it('counts a kind with no entries in the period as 0, without times or samples', async () => {
    const body = complianceReport.parse((await report(`gdpr?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z`, tenantA.key)).body);
    expect(evidence(body, 'Art.17', 'erasure')).toEqual({ kind: 'erasure', title: 'Erasures', count: 0, sampleSequences: [] });
    expect(body.totals).toMatchObject({ entries: 0, evidenceEntries: 0 });
  });

  it('honours the period boundaries: from is inclusive, to exclusive', async () => {
    const count = async (from: string, to: string) =>
      complianceReport.parse((await report(`iso27001?from=${from}&to=${to}`, tenantA.key)).body).controls.find((c) => c.id === 'A.5.17')?.evidence[0].count;
    expect(await count(FROM, TO)).toBe(3);
    expect(await count('2025-12-31T23:59:59.999Z', TO)).toBe(4);
    expect(await count(FROM, '2026-02-01T00:00:00.001Z')).toBe(4);
    expect(await count('2026-01-01T00:00:00.001Z', TO)).toBe(2);
    expect(await count('2026-01-01T01:00:00%2B01:00', TO)).toBe(3);
  });

  it("never counts another tenant's entries, and answers its log as unknown", async () => {
    const a = complianceReport.parse((await report(`soc2?${PERIOD}`, tenantA.key)).body);
    const b = complianceReport.parse((await report(`soc2?${PERIOD}`, tenantB.key)).body);
    expect(b.totals).toMatchObject({ entries: 12, byKind: { 'admin-action': 7, 'key-creation': 7, 'key-revocation': 0, erasure: 1, 'failed-authentication': 12 } });
    expect(b.logId).toBe(tenantB.id);
    expect(a.totals.byKind['key-creation']).toBe(3);
    expect((await report(`soc2?${PERIOD}&log=${tenantB.id}`, tenantA.key)).status).toBe(404);
    expect((await report(`soc2?${PERIOD}&log=platform`, tenantA.key)).status).toBe(404);
  });

  it('lets the admin token report on any log it names, the platform log included', async () => {
    const forA = complianceReport.parse((await report(`soc2?${PERIOD}&tenantId=${tenantA.id}`, app.adminToken)).body);
    expect(forA.totals).toEqual(complianceReport.parse((await report(`soc2?${PERIOD}`, tenantA.key)).body).totals);
    const platform = complianceReport.parse((await report(`soc2?${PERIOD}&log=platform`, app.adminToken)).body);
    expect(platform).toMatchObject({ logId: 'platform', totals: { entries: 4, byKind: { 'admin-action': 2, 'failed-authentication': 10_012 } } });
    const unnamed = await report(`soc2?${PERIOD}`, app.adminToken);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.issues).toEqual([expect.objectContaining({ path: 'log' })]);
  });

  it('answers an unknown framework with 404 naming it, and bad dates or format with 400 naming the field', async () => {
    const unknown = await report(`pci-dss?${PERIOD}`, tenantA.key);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('"pci-dss"');
    expect(unknown.body.message).toContain('SOC2, ISO27001, HIPAA, GDPR');
    const issues = async (query: string) => {
      const response = await report(`gdpr?${query}`, tenantA.key);
      expect(response.status).toBe(400);
      return response.body.issues.map((issue: { path: string }) => issue.path);
    };
    expect(await issues(`from=yesterday&to=${TO}`)).toEqual(['from']);
    expect(await issues(`from=${FROM}`)).toEqual(['to']);
    expect(await issues(`to=${TO}`)).toEqual(['from']);
    expect(await issues(`from=${TO}&to=${FROM}`)).toEqual(['to']);
    expect(await issues(`from=${FROM}&to=${FROM}`)).toEqual(['to']);
    expect(await issues(`${PERIOD}&format=pdf`)).toEqual(['format']);
    expect(await issues(`${PERIOD}&limit=5`)).toEqual(['limit']);
  });

  it("names the log's latest signed checkpoint, so sample entries can be proven against its root", async () => {
    const signed = await app.request('POST', '/v1/audit/checkpoints', { token: tenantB.key });
    expect(signed.status).toBe(200);
    const after = complianceReport.parse((await report(`soc2?${PERIOD}`, tenantB.key)).body);
    expect(after.checkpoint).toEqual({ treeSize: 12, rootHash: signed.body.checkpoints[0].rootHash });
    const page = (await report(`soc2?${PERIOD}&format=html`, tenantB.key)).body as string;
    expect(page).toContain(`tree size 12, root <span class="mono">${signed.body.checkpoints[0].rootHash}</span>`);
  });

  it('refuses a request without a key', async () => {
    expect((await app.request('GET', `/v1/audit/reports/soc2?${PERIOD}`)).status).toBe(401);
  });

  it('renders the same report as a self-contained printable page, with no markup from the trail', async () => {
    const response = await report(`soc2?${PERIOD}&format=html`, tenantA.key);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = response.body as string;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('@media print');
    expect(page).not.toMatch(/<script|<img|<link|src=|href=|onerror/i);
    expect(page).toContain(tenantA.id);
    expect(page).toContain('CC6.1 — Logical access security over information assets');
    expect(page).toMatch(/<td class="count">7<\/td>/);
    expect(page).toContain('2, 4, 5, 7, 12');
    expect(page).toContain('not collected');
  });
});
