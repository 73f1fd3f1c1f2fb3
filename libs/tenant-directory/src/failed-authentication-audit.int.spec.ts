import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { auditEventV1, type AuditEventV1 } from '@comply/contracts';
import { RunningService, startService } from '@comply/service-runtime';
import { createTestDatabase, queryOnce, TestDatabase, until, workspaceRoot } from '@comply/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AdminTokenGuard } from './admin-token.guard';
import { generateApiKey, type NewApiKey } from './api-key';
import { ApiKeyAuthModule } from './api-key-auth.module';
import { ReplicaApiKeyDirectory } from './directory-replica.repository';
import { FailedAuthenticationAudit } from './failed-authentication-audit';
import { FAILED_AUTHENTICATION_CAP } from './failed-authentication-tally';
import { RequireScope } from './require-scope';

@Controller('v1/probe')
class ProbeController {
  @Get()
  @RequireScope('read')
  probe(): { ok: true } {
    return { ok: true };
  }
}

@Controller('admin/probe')
@UseGuards(AdminTokenGuard)
class AdminProbeController {
  @Get()
  probe(): { ok: true } {
    return { ok: true };
  }
}

@Module({ imports: [ApiKeyAuthModule.forDirectory(ReplicaApiKeyDirectory)], controllers: [ProbeController, AdminProbeController] })
class GuardedModule {}

interface OutboxAudit {
  tenant_id: string | null;
  body: AuditEventV1;
  text: string;
}

const ADMIN_TOKEN = randomBytes(32).toString('base64url');

/**
 * The shared guards over HTTP in front of billing's replica (a real, migrated database read as
 * billing_app), with the failed-authentication audit writing to the outbox.
 */
describe('failed-authentication audit', () => {
  let database: TestDatabase;
  let service: RunningService;
  const tenantId = `tenant-${randomUUID()}`;
  const good = generateApiKey();
  const revoked = generateApiKey();
  const goodId = randomUUID();
  const revokedId = randomUUID();

  const admin = <T extends object>(text: string, values: unknown[] = []) => queryOnce<T>(database.adminUrl, text, values);
  const audits = () =>
    admin<OutboxAudit>(
      `select tenant_id, body, body::text as text from messaging_outbox where subject = 'audit.event.v1' and body->>'action' like 'auth.%' order by body->'details'->>'reason', tenant_id`,
    );

  const start = (interval: number) =>
    startService({
      service: 'billing',
      module: GuardedModule,
      messaging: false,
      env: {
        ...database.serviceEnv,
        PORT: '0',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
        ADMIN_TOKEN,
        AUTH_FAILURE_AUDIT_INTERVAL_MS: String(interval),
      },
    });

  async function get(path: string, authorization?: string, userAgent = 'probe/1'): Promise<number> {
    const response = await fetch(`${service.url}${path}`, { headers: { 'user-agent': userAgent, ...(authorization && { authorization }) } });
    await response.arrayBuffer();
    return response.status;
  }

  const insertKey = (keyId: string, key: NewApiKey, revokedAt: string | null) =>
    admin(
      `insert into directory_api_keys (key_id, tenant_id, prefix, secret_hash, scopes, created_at, revoked_at, version) values ($1, $2, $3, $4, '{read}', now(), $5, 1)`,
      [keyId, tenantId, key.prefix, key.secretHash, revokedAt],
    );

  beforeAll(async () => {
    database = await createTestDatabase('billing');
    await admin(
      `insert into directory_tenants (tenant_id, name, plan, status, retention_days, version, changed_at) values ($1, 'Acme Health', 'pro', 'active', 365, 1, now())`,
      [tenantId],
    );
    await insertKey(goodId, good, null);
    await insertKey(revokedId, revoked, new Date().toISOString());
    // An hour: the tests flush when they ask, or by closing the service.
    service = await start(3_600_000);
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  beforeEach(() => admin('delete from messaging_outbox'));

  it('writes one bounded event per reason, tenant and key, with the counts and no secret', async () => {
    const wrongSecret = `csk_${good.prefix}_${'A'.repeat(43)}`;
    for (let i = 0; i < 7; i += 1) expect(await get('/v1/probe', `Bearer ${wrongSecret}`, `agent/${i}`)).toBe(401);
    for (let i = 0; i < 4; i += 1) expect(await get('/v1/probe', `Bearer ${revoked.key}`)).toBe(401);
    for (let i = 0; i < 3; i += 1) expect(await get('/v1/probe')).toBe(401);
    for (let i = 0; i < 2; i += 1) expect(await get('/admin/probe', `Bearer ${good.key}`)).toBe(401);
    expect(await get('/v1/probe', `Bearer ${good.key}`)).toBe(200);
    expect(await get('/admin/probe', `Bearer ${ADMIN_TOKEN}`)).toBe(200);

    expect(await service.app.get(FailedAuthenticationAudit).flush()).toBe(4);
    const rows = await audits();
    for (const row of rows) expect(auditEventV1.safeParse(row.body).success).toBe(true);
    expect(rows.map(({ tenant_id, body }) => ({ tenant_id, actor: body.actor, action: body.action, resource: body.resource, outcome: body.outcome, details: body.details }))).toEqual([
      {
        tenant_id: null,
        actor: { type: 'system', id: 'billing' },
        action: 'auth.api_key',
        resource: { type: 'api_key' },
        outcome: 'denied',
        details: expect.objectContaining({ reason: 'missing_credential', count: 3, sampleIps: ['127.0.0.1'], sampleUserAgents: ['probe/1'] }),
      },
      {
        tenant_id: tenantId,
        actor: { type: 'api_key', id: revokedId },
        action: 'auth.api_key',
        resource: { type: 'api_key', id: revokedId },
        outcome: 'denied',
        details: expect.objectContaining({ reason: 'revoked_key', count: 4 }),
      },
      {
        tenant_id: tenantId,
        actor: { type: 'api_key', id: goodId },
        action: 'auth.api_key',
        resource: { type: 'api_key', id: goodId },
        outcome: 'denied',
        details: {
          reason: 'wrong_secret',
          count: 7,
          firstAt: expect.any(String),
          lastAt: expect.any(String),
          sampleIps: ['127.0.0.1'],
          sampleUserAgents: ['agent/0', 'agent/1', 'agent/2', 'agent/3', 'agent/4'],
          windowMs: expect.any(Number),
        },
      },
      {
        tenant_id: null,
        actor: { type: 'system', id: 'billing' },
        action: 'auth.admin_token',
        resource: { type: 'admin_token' },
        outcome: 'denied',
        details: expect.objectContaining({ reason: 'wrong_token', count: 2 }),
      },
    ]);
    const wrong = rows[2].body.details as { firstAt: string; lastAt: string };
    expect(Date.parse(wrong.firstAt)).toBeLessThan(Date.parse(wrong.lastAt));
    expect(rows[2].body.occurredAt).toBe(new Date(wrong.lastAt).toISOString());
    for (const secret of [good.key, revoked.key, wrongSecret, ADMIN_TOKEN, good.key.slice(-43), revoked.key.slice(-43), 'A'.repeat(43)]) {
      expect(rows.filter((row) => row.text.includes(secret))).toEqual([]);
    }
    expect(await service.app.get(FailedAuthenticationAudit).flush()).toBe(0);
    expect(await audits()).toHaveLength(4);
  });

  it(`writes at most ${FAILED_AUTHENTICATION_CAP} + 1 events for 10,000 refusals of 10,000 made-up prefixes`, async () => {
    const fakes = Array.from({ length: 10_000 }, () => generateApiKey().key);
    for (let next = 0; next < fakes.length; next += 50) {
      const statuses = await Promise.all(fakes.slice(next, next + 50).map((key) => get('/v1/probe', `Bearer ${key}`)));
      expect(statuses.filter((status) => status !== 401)).toEqual([]);
    }
    const written = await service.app.get(FailedAuthenticationAudit).flush();
    const rows = await audits();
    expect(rows).toHaveLength(written);
    expect(rows.length).toBeLessThanOrEqual(FAILED_AUTHENTICATION_CAP + 1);
    expect(rows.map((row) => [row.tenant_id, (row.body.details as { reason: string }).reason, (row.body.details as { count: number }).count])).toEqual([
      [null, 'unknown_key', 10_000],
    ]);
    const text = rows.map((row) => row.text).join('\n');
    expect(fakes.filter((key) => text.includes(key.split('_')[1]))).toEqual([]);
  }, 180_000);

  it('writes what is left at shutdown, and on its own every AUTH_FAILURE_AUDIT_INTERVAL_MS', async () => {
    expect(await get('/v1/probe', `Bearer ${revoked.key}`)).toBe(401);
    await service.close();
    expect((await audits()).map((row) => (row.body.details as { reason: string; count: number }).count)).toEqual([1]);

    await admin('delete from messaging_outbox');
    service = await start(200);
    expect(await get('/admin/probe')).toBe(401);
    const rows = await until(audits, (found) => found.length > 0, { timeoutMs: 10_000 });
    expect(rows.map((row) => [row.body.action, (row.body.details as { reason: string }).reason])).toEqual([['auth.admin_token', 'missing_credential']]);
  });
});
