import { backupRun, backupRunList, backupRunStarted, backupVerificationList, type BackupRun } from '@comply/contracts';
import { askWithHostileQueries, HOSTILE_QUERY_VALUES, OpenApiPaths, routeDocumentation } from '@comply/service-testing';
import { until } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';

describe('backups API', () => {
  let app: BackupWorkerTestApp;
  let tenantKey: string;
  let started: string;

  const finished = (id: string) =>
    until(
      async () => (await app.admin('GET', `/v1/backups/${id}`)).body as BackupRun,
      (run) => run.status !== 'running',
      { timeoutMs: 60_000, intervalMs: 200 },
    );

  beforeAll(async () => {
    app = await startBackupWorkerTestApp();
    await app.seedCore('api-tenant', 30);
    tenantKey = await app.tenantKey('api-tenant');
    const response = await app.admin('POST', '/v1/backups', { database: 'core' });
    expect(response.status).toBe(202);
    started = backupRunStarted.parse(response.body).id;
    expect((await finished(started)).status).toBe('completed');
  }, 120_000);

  afterAll(() => app?.close(), 60_000);

  it('starts a backup (202) and shows it completed with its tables, audited as the operator', async () => {
    const run = backupRun.parse((await app.admin('GET', `/v1/backups/${started}`)).body);
    expect(run).toMatchObject({ id: started, database: 'core', status: 'completed', trigger: 'operator', error: null, lastVerification: null });
    expect(run.tables?.find((table) => table.name === 'public.storage_records')?.rows).toBe(30);
    expect(run.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    const audit = (await app.outbox('audit.event.v1')).filter((row) => row.body.action === 'backup.run');
    expect(audit.map((row) => [row.body.actor, row.body.resource])).toEqual([[{ type: 'user', id: 'platform-admin' }, { type: 'backup', id: started }]]);
  });

  it('lists runs newest first, filtered by database and status', async () => {
    await app.sql(
      `insert into backup_runs (id, database, status, trigger, started_at, completed_at, blob_container, blob_name, error_code, error_message, host)
       values ($1, 'billing', 'failed', 'schedule', now() - interval '1 day', now() - interval '1 day', 'c', 'backups/billing/x.cbk', 'SourceUnavailable', 'refused', 'h')`,
      [randomUUID()],
    );
    const all = backupRunList.parse((await app.admin('GET', '/v1/backups')).body);
    expect(all.backups.map((run) => run.database)).toEqual(['core', 'billing']);
    const core = backupRunList.parse((await app.admin('GET', '/v1/backups?database=core&status=completed&limit=5')).body);
    expect(core.backups.map((run) => run.id)).toEqual([started]);
    const failed = backupRunList.parse((await app.admin('GET', '/v1/backups?status=failed')).body);
    expect(failed.backups.map((run) => [run.database, run.error?.code])).toEqual([['billing', 'SourceUnavailable']]);
    expect(backupRunList.parse((await app.admin('GET', '/v1/backups?limit=1')).body).backups).toHaveLength(1);
  });

  it('lists the drills of a backup (none yet)', async () => {
    expect(backupVerificationList.parse((await app.admin('GET', `/v1/backups/${started}/verifications`)).body)).toEqual({ verifications: [] });
  });

  it.each([
    [{}, 'database'],
    [{ database: 'nope' }, 'database'],
    [{ database: 'core', extra: 1 }, 'extra'],
    [{ database: 'core\u0000' }, 'database'],
  ])('refuses the body %j with a 400 naming %s', async (body, field) => {
    const response = await app.admin('POST', '/v1/backups', body);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path || '(body)')).toContain(field);
  });

  it('answers 404 for an unknown run and 400 for an id that is not one', async () => {
    for (const path of ['', '/verifications']) expect((await app.admin('GET', `/v1/backups/${randomUUID()}${path}`)).status).toBe(404);
    expect((await app.admin('POST', `/v1/backups/${randomUUID()}/verify`)).status).toBe(404);
    const bad = await app.admin('GET', '/v1/backups/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['id']);
  });

  it('refuses a tenant key (403) and a missing or wrong token (401)', async () => {
    for (const [method, path] of [
      ['GET', '/v1/backups'],
      ['GET', `/v1/backups/${started}`],
      ['POST', '/v1/backups'],
      ['POST', `/v1/backups/${started}/verify`],
      ['GET', `/v1/backups/${started}/verifications`],
    ]) {
      const body = method === 'POST' ? { database: 'core' } : undefined;
      expect((await app.request(method, path, { token: tenantKey, body })).status).toBe(403);
      expect((await app.request(method, path, { body })).status).toBe(401);
      expect((await app.request(method, path, { token: 'x'.repeat(40) })).status).toBe(401);
    }
  });

  it('answers hostile queries and ids with 4xx or data, never a 5xx', async () => {
    const outcome = await askWithHostileQueries(app, app.adminToken, [
      ['/v1/backups', ['database', 'status', 'limit', 'unknown']],
      [`/v1/backups/${started}`, ['database']],
      [`/v1/backups/${started}/verifications`, ['limit']],
    ]);
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.statuses[400]).toBeGreaterThan(0);
    for (const value of HOSTILE_QUERY_VALUES) {
      for (const path of [`/v1/backups/${value}`, `/v1/backups/${value}/verifications`]) {
        const response = await app.admin('GET', path);
        expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
      }
    }
  }, 120_000);

  it('documents exactly the routes it serves at /docs/openapi.json', async () => {
    const document = await app.request<OpenApiPaths>('GET', '/docs/openapi.json');
    expect(document.body).toMatchObject({ openapi: '3.1.0', info: { title: 'backup-worker API' } });
    const routes = routeDocumentation(app.service, document.body);
    expect(routes.unregistered).toEqual([]);
    expect(routes.unread).toEqual([]);
    const documented = new Set(routes.documented);
    expect(routes.registered.filter((route) => !documented.has(route))).toEqual([]);
    expect(routes.registered).toEqual(expect.arrayContaining(['GET /v1/backups', 'POST /v1/backups', 'GET /v1/backups/:id', 'POST /v1/backups/:id/verify', 'GET /v1/backups/:id/verifications']));
  });
});
