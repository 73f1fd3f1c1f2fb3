import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigError } from '@comply/config';
import { createTestDatabase, TestDatabase, workspaceRoot } from '@comply/testing';
import { RunningService, startService } from './start-service';

@Module({})
class EmptyModule {}

describe('startService', () => {
  let database: TestDatabase;
  const started: RunningService[] = [];

  async function start(env: Record<string, string> = {}): Promise<RunningService> {
    const service = await startService({
      service: 'core-store',
      module: EmptyModule,
      // HTTP behaviour only; messaging has its own suites with a broker.
      messaging: false,
      env: { ...database.serviceEnv, PORT: '0', LOG_LEVEL: 'silent', MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'), ...env },
    });
    started.push(service);
    return service;
  }

  beforeAll(async () => {
    database = await createTestDatabase('core');
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
    await database.drop();
  });

  it('serves liveness, and readiness once its database answers with current migrations', async () => {
    const service = await start();
    const live = await fetch(`${service.url}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('echoes a caller-supplied request id and makes one up otherwise', async () => {
    const service = await start();
    const echoed = await fetch(`${service.url}/health/live`, { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const generated = await fetch(`${service.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics: process defaults and the request duration histogram by route', async () => {
    const service = await start();
    await fetch(`${service.url}/health/live`);
    await fetch(`${service.url}/no/such/route/42`);
    const response = await fetch(`${service.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="core-store"\} /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes\{service="core-store"\} /m);
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{service="core-store",method="GET",route="\/health\/live",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(/route="unmatched",status_code="404"/);
  });

  it('is not ready while a migration is pending, and names it', async () => {
    const migrationsDir = mkdtempSync(join(tmpdir(), 'comply-pending-'));
    try {
      cpSync(join(workspaceRoot(), 'migrations', 'core'), join(migrationsDir, 'core'), { recursive: true });
      writeFileSync(join(migrationsDir, 'core', '9999_not_yet.sql'), 'select 1;');
      const service = await start({ MIGRATIONS_DIR: migrationsDir });
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        checks: { database: { status: 'down', error: 'migrations not current (pending: 9999_not_yet.sql)' } },
      });
    } finally {
      rmSync(migrationsDir, { recursive: true, force: true });
    }
  });

  it("stays ready on a database a newer release has migrated further (a rolling upgrade's old pods)", async () => {
    const migrationsDir = mkdtempSync(join(tmpdir(), 'comply-older-build-'));
    try {
      cpSync(join(workspaceRoot(), 'migrations', 'core'), join(migrationsDir, 'core'), { recursive: true });
      const newest = readdirSync(join(migrationsDir, 'core')).filter((file) => file.endsWith('.sql')).sort().at(-1) as string;
      rmSync(join(migrationsDir, 'core', newest));
      const service = await start({ MIGRATIONS_DIR: migrationsDir });
      const ready = await fetch(`${service.url}/health/ready`);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { database: { status: 'up' } } });
    } finally {
      rmSync(migrationsDir, { recursive: true, force: true });
    }
  });

  it('stays live but not ready when its database does not answer', async () => {
    const service = await start({ DB_PORT: '1' });
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: { database: { status: string; error: string } } };
    expect(body.checks.database.status).toBe('down');
    expect(body.checks.database.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses to start on malformed configuration, naming each variable', async () => {
    const attempt = startService({ service: 'core-store', module: EmptyModule, messaging: false, env: { PORT: 'http', DB_SSL: 'maybe' } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/PORT: expected an integer[\s\S]*DB_SSL: expected one of auto, require, disable/);
  });
});
