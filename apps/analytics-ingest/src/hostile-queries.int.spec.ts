import { askWithHostileQueries } from '@comply/service-testing';
import { AnalyticsTestApp, startAnalyticsTestApp } from './testing/analytics-test-app';

/** Every report route, as the admin and as a tenant naming other tenants, and the dashboard's assets: a 4xx or data, never a 5xx. */
describe('analytics-ingest under hostile queries', () => {
  let app: AnalyticsTestApp;
  const routes = ['usage', 'performance', 'taxonomy', 'compliance', 'billing', 'backups'].map(
    (report) => [`/v1/analytics/${report}`, ['tenant', 'from', 'to', 'granularity', 'limit']] as const,
  );

  beforeAll(async () => {
    app = await startAnalyticsTestApp();
  }, 60_000);

  afterAll(() => app?.close());

  it('answers the admin token with 4xx or data', async () => {
    const outcome = await askWithHostileQueries(app, app.adminToken, routes);
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.statuses[400]).toBeGreaterThan(0);
    expect(outcome.statuses[200]).toBeGreaterThan(0);
  }, 300_000);

  it('answers a tenant key with 4xx or its own data', async () => {
    const tenant = await app.createTenant('hostile-queries', ['read']);
    const outcome = await askWithHostileQueries(app, tenant.key, routes);
    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.statuses[404]).toBeGreaterThan(0);
    expect(outcome.statuses[401]).toBeUndefined();
  }, 300_000);

  it('serves no file but its own assets under /dashboard', async () => {
    for (const asset of ['%00', '%ED%A0%80', '..%2F..%2Fpackage.json', 'x'.repeat(3000)]) {
      const { status } = await app.request('GET', `/dashboard/${asset}`);
      expect({ asset: asset.slice(0, 40), clientError: status >= 400 && status < 500 }).toEqual({ asset: asset.slice(0, 40), clientError: true });
    }
  });
});
