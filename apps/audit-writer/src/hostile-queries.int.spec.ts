import { askWithHostileQueries } from '@comply/service-testing';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from './testing/audit-writer-test-app';

/** Every read route of the trail, as the admin and as a tenant naming other logs: a 4xx or data, never a 5xx. */
describe('audit-writer under hostile queries', () => {
  let app: AuditWriterTestApp;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    // The admin's queries name the platform log, which must exist to answer with data (an unknown log is 404).
    await app.append([incomingAudit(undefined)]);
  }, 60_000);

  afterAll(() => app?.close());

  const routes = (log: string) =>
    [
      [`/v1/audit/events?${log}`, ['from', 'to', 'actorType', 'actorId', 'action', 'resourceType', 'resourceId', 'correlationId', 'outcome', 'cursor', 'limit']],
      ['/v1/audit/events', ['log', 'tenantId']],
      ['/v1/audit/verify', ['log', 'tenantId']],
      [`/v1/audit/proofs/inclusion?${log}`, ['sequence', 'treeSize']],
      [`/v1/audit/proofs/consistency?${log}`, ['from', 'to']],
      [`/v1/audit/export?${log}&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`, ['format']],
      [`/v1/audit/export?${log}`, ['from', 'to']],
      [`/v1/audit/reports/soc2?${log}`, ['from', 'to', 'format']],
      ['/v1/audit/checkpoints/latest', ['log', 'tenantId']],
      ['/v1/audit/archives', ['log']],
      ['/v1/audit/archives/audit_log_p201901/verify', ['log']],
    ] as const;

  it('answers the admin token with 4xx or data', async () => {
    const outcome = await askWithHostileQueries(app, app.adminToken, routes('log=platform'));
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.statuses[400]).toBeGreaterThan(0);
    expect(outcome.statuses[200]).toBeGreaterThan(0);
  }, 300_000);

  it('answers a tenant key with 4xx or its own data', async () => {
    const tenant = await app.createTenant('hostile-queries', ['read']);
    const outcome = await askWithHostileQueries(app, tenant.key, routes('tenantId=hostile-queries'));
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.statuses[404]).toBeGreaterThan(0);
    expect(outcome.statuses[401]).toBeUndefined();
  }, 300_000);
});
