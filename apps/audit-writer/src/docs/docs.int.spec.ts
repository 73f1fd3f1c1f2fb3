import { OpenApiPaths, routeDocumentation, RouteDocumentation } from '@comply/service-testing';
import { AuditWriterTestApp, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

describe('API documentation (integration)', () => {
  let app: AuditWriterTestApp;
  let routes: RouteDocumentation;

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    routes = routeDocumentation(app.service, (await app.request<OpenApiPaths>('GET', '/docs/openapi.json')).body);
  }, 60_000);

  afterAll(() => app?.close());

  it('serves the OpenAPI 3.1 document as JSON, without authentication', async () => {
    const response = await app.request('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: '3.1.0', info: { title: 'audit-writer API' }, paths: { '/v1/audit/events': { get: {} }, '/v1/audit/verify': { get: {} } } });
  });

  it('documents exactly the routes the service has registered', () => {
    expect(routes.unregistered).toEqual([]);
    expect(routes.unread).toEqual([]);
    const documented = new Set(routes.documented);
    expect(routes.registered.filter((route) => !documented.has(route))).toEqual([]);
    expect(routes.registered.length).toBeGreaterThanOrEqual(10);
  });
});
