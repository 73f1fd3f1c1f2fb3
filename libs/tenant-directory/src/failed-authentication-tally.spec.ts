import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { auditEventV1 } from '@comply/contracts';
import { runWithRequestContext } from '@comply/observability';
import { AdminTokenGuard } from './admin-token.guard';
import { generateApiKey } from './api-key';
import { failedAuthenticationEvents } from './failed-authentication-audit';
import { FailedAuthenticationTally, type Refusal } from './failed-authentication-tally';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
const wrongSecret = (tenantId: string, keyId: string): Refusal => ({ credential: 'api_key', reason: 'wrong_secret', tenantId, keyId });

describe('FailedAuthenticationTally', () => {
  it('aggregates refusals of one reason, tenant and key: count, first and last time, a few distinct origins', () => {
    const tally = new FailedAuthenticationTally(1_000, T0);
    for (let i = 0; i < 20; i += 1) {
      tally.record({ ...wrongSecret('tenant-a', 'key-1'), clientIp: `10.0.0.${i % 8}`, userAgent: `agent/${i % 3}` }, at(i + 1));
    }
    tally.record(wrongSecret('tenant-b', 'key-2'), at(30));
    tally.record({ credential: 'api_key', reason: 'revoked_key', tenantId: 'tenant-a', keyId: 'key-1' }, at(31));

    const window = tally.take(at(60));
    expect(window?.startedAt).toEqual(T0);
    expect(window?.entries).toEqual([
      {
        credential: 'api_key',
        reason: 'wrong_secret',
        tenantId: 'tenant-a',
        keyId: 'key-1',
        count: 20,
        firstAt: at(1),
        lastAt: at(20),
        sampleIps: ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'],
        sampleUserAgents: ['agent/0', 'agent/1', 'agent/2'],
      },
      expect.objectContaining({ reason: 'wrong_secret', tenantId: 'tenant-b', keyId: 'key-2', count: 1, sampleIps: [], sampleUserAgents: [] }),
      expect.objectContaining({ reason: 'revoked_key', tenantId: 'tenant-a', keyId: 'key-1', count: 1 }),
    ]);
    expect(tally.take(at(120))).toBeUndefined();
  });

  it('cuts what a client sends (user agent, IP) to a bounded length', () => {
    const tally = new FailedAuthenticationTally();
    tally.record({ credential: 'api_key', reason: 'unknown_key', clientIp: '1'.repeat(500), userAgent: 'x'.repeat(100_000) });
    const [entry] = tally.take()!.entries;
    expect(entry.sampleIps[0]).toHaveLength(64);
    expect(entry.sampleUserAgents[0]).toHaveLength(256);
  });

  it('holds at most `cap` distinct entries; the rest of a window goes to one overflow entry per credential, counted by reason', () => {
    const tally = new FailedAuthenticationTally(100);
    for (let i = 0; i < 10_000; i += 1) tally.record({ ...wrongSecret(`tenant-${i}`, `key-${i}`), clientIp: `10.1.${i >> 8}.${i & 255}` }, at(i));
    for (let i = 0; i < 50; i += 1) tally.record({ credential: 'api_key', reason: 'revoked_key', tenantId: `tenant-x${i}`, keyId: `k${i}` }, at(20_000));
    tally.record({ credential: 'admin_token', reason: 'wrong_token' }, at(20_001));
    expect(tally.size).toBe(102);

    const { entries } = tally.take()!;
    expect(entries).toHaveLength(102);
    expect(entries.slice(0, 100).every((entry) => entry.count === 1 && entry.reason === 'wrong_secret')).toBe(true);
    expect(entries.slice(100)).toEqual([
      {
        credential: 'api_key',
        reason: 'overflow',
        count: 9_950,
        firstAt: at(100),
        lastAt: at(20_000),
        sampleIps: ['10.1.0.100', '10.1.0.101', '10.1.0.102', '10.1.0.103', '10.1.0.104'],
        sampleUserAgents: [],
        reasons: { wrong_secret: 9_900, revoked_key: 50 },
      },
      { credential: 'admin_token', reason: 'overflow', count: 1, firstAt: at(20_001), lastAt: at(20_001), sampleIps: [], sampleUserAgents: [], reasons: { wrong_token: 1 } },
    ]);
    expect(entries.reduce((sum, entry) => sum + entry.count, 0)).toBe(10_051);
  });

  it('keeps a window that could not be written, merged with what came since, within the same bounds', () => {
    const tally = new FailedAuthenticationTally(3, T0);
    tally.record({ ...wrongSecret('tenant-a', 'key-1'), clientIp: '10.0.0.1' }, at(1));
    tally.record(wrongSecret('tenant-b', 'key-2'), at(2));
    const failed = tally.take(at(60))!;

    tally.record({ ...wrongSecret('tenant-a', 'key-1'), clientIp: '10.0.0.2' }, at(61));
    tally.record(wrongSecret('tenant-c', 'key-3'), at(62));
    tally.record(wrongSecret('tenant-d', 'key-4'), at(63));
    tally.restore(failed);

    const merged = tally.take(at(120))!;
    expect(merged.startedAt).toEqual(T0);
    expect(merged.entries.map(({ reason, tenantId, count, firstAt, lastAt, sampleIps }) => ({ reason, tenantId, count, firstAt, lastAt, sampleIps }))).toEqual([
      { reason: 'wrong_secret', tenantId: 'tenant-a', count: 2, firstAt: at(1), lastAt: at(61), sampleIps: ['10.0.0.1', '10.0.0.2'] },
      { reason: 'wrong_secret', tenantId: 'tenant-b', count: 1, firstAt: at(2), lastAt: at(2), sampleIps: [] },
      { reason: 'wrong_secret', tenantId: 'tenant-c', count: 1, firstAt: at(62), lastAt: at(62), sampleIps: [] },
      { reason: 'overflow', tenantId: undefined, count: 1, firstAt: at(63), lastAt: at(63), sampleIps: [] },
    ]);
  });

  it('never sees the presented credential, so no event can carry it', () => {
    const presented = generateApiKey().key;
    const adminToken = 'a-wrong-admin-token-of-at-least-32-characters';
    const tally = new FailedAuthenticationTally();
    const guard = new AdminTokenGuard({ ADMIN_TOKEN: 'the-right-admin-token-of-at-least-32-characters' }, tally);
    const context = (authorization?: string) =>
      ({
        switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }), getResponse: () => ({ header: () => undefined }) }),
      }) as unknown as ExecutionContext;
    runWithRequestContext({ requestId: 'r-1', clientIp: '203.0.113.9', userAgent: 'curl/8' }, () => {
      expect(() => guard.canActivate(context(`Bearer ${adminToken}`))).toThrow(UnauthorizedException);
      expect(() => guard.canActivate(context(`Bearer ${presented}`))).toThrow(UnauthorizedException);
      expect(() => guard.canActivate(context())).toThrow(UnauthorizedException);
    });
    const disabled = new AdminTokenGuard({ ADMIN_TOKEN: undefined }, tally);
    expect(() => disabled.canActivate(context(`Bearer ${adminToken}`))).toThrow(UnauthorizedException);

    const window = tally.take()!;
    expect(window.entries.map(({ credential, reason, count, sampleIps, sampleUserAgents }) => ({ credential, reason, count, sampleIps, sampleUserAgents }))).toEqual([
      { credential: 'admin_token', reason: 'wrong_token', count: 2, sampleIps: ['203.0.113.9'], sampleUserAgents: ['curl/8'] },
      { credential: 'admin_token', reason: 'missing_credential', count: 1, sampleIps: ['203.0.113.9'], sampleUserAgents: ['curl/8'] },
      { credential: 'admin_token', reason: 'admin_api_disabled', count: 1, sampleIps: [], sampleUserAgents: [] },
    ]);
    const text = JSON.stringify(failedAuthenticationEvents(window, 'billing'));
    expect(text).not.toContain(adminToken);
    expect(text).not.toContain(presented);
    expect(text).not.toContain(presented.split('_')[1]);
  });
});

describe('failedAuthenticationEvents', () => {
  it('writes one valid audit.event.v1 per entry: denied, with reason, counts, times, samples and the window', () => {
    const tally = new FailedAuthenticationTally(1, T0);
    tally.record({ ...wrongSecret('tenant-a', 'key-1'), clientIp: '10.0.0.1', userAgent: 'agent/1' }, at(5));
    tally.record({ ...wrongSecret('tenant-a', 'key-1') }, at(9));
    tally.record({ credential: 'api_key', reason: 'unknown_key' }, at(10));
    const events = failedAuthenticationEvents(tally.take(at(60))!, 'billing', at(60));

    expect(events.map((event) => auditEventV1.parse(event.payload))).toEqual([
      {
        actor: { type: 'api_key', id: 'key-1' },
        action: 'auth.api_key',
        resource: { type: 'api_key', id: 'key-1' },
        outcome: 'denied',
        tenantId: 'tenant-a',
        correlationId: expect.any(String),
        occurredAt: at(9).toISOString(),
        source: expect.objectContaining({ service: 'billing' }),
        details: {
          reason: 'wrong_secret',
          count: 2,
          firstAt: at(5).toISOString(),
          lastAt: at(9).toISOString(),
          sampleIps: ['10.0.0.1'],
          sampleUserAgents: ['agent/1'],
          windowMs: 60_000,
        },
      },
      {
        actor: { type: 'system', id: 'billing' },
        action: 'auth.api_key',
        resource: { type: 'api_key' },
        outcome: 'denied',
        correlationId: expect.any(String),
        occurredAt: at(10).toISOString(),
        source: expect.objectContaining({ service: 'billing' }),
        details: expect.objectContaining({ reason: 'overflow', count: 1, overflow: { unknown_key: 1 }, windowMs: 60_000 }),
      },
    ]);
    expect(events.map((event) => event.tenantId)).toEqual(['tenant-a', undefined]);
    expect(new Set(events.map((event) => event.correlationId)).size).toBe(1);
  });
});
