import { OpenApiPaths, routeDocumentation, RouteDocumentation } from '@comply/service-testing';
import { AnalyticsTestApp, startAnalyticsTestApp } from '../testing/analytics-test-app';

describe('API documentation (integration)', () => {
  let app: AnalyticsTestApp;
  let routes: RouteDocumentation;

  beforeAll(async () => {
    app = await startAnalyticsTestApp();
    routes = routeDocumentation(app.service, (await app.request<OpenApiPaths>('GET', '/docs/openapi.json')).body);
  }, 60_000);

  afterAll(() => app?.close());

  it('serves the OpenAPI 3.1 document as JSON, without authentication', async () => {
    const response = await app.request('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: '3.1.0', info: { title: 'analytics-ingest API' }, paths: { '/v1/analytics/usage': { get: {} }, '/v1/analytics/backups': { get: {} } } });
  });

  it('documents only routes the service has registered', () => {
    expect(routes.unregistered).toEqual([]);
  });

  it('documents every route the service has registered', () => {
    const { registered, unread } = routes;
    expect(unread).toEqual([]);
    expect(registered.length).toBeGreaterThanOrEqual(12);
    const expected = new Set(routes.documented);
    expect(registered.filter((route) => !expected.has(route))).toEqual([]);
  });
});
