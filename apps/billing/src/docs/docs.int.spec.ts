import { OpenApiPaths, routeDocumentation, RouteDocumentation } from '@comply/service-testing';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';

describe('API documentation (integration)', () => {
  let app: BillingTestApp;
  let routes: RouteDocumentation;

  beforeAll(async () => {
    app = await startBillingTestApp();
    routes = routeDocumentation(app.service, (await app.request<OpenApiPaths>('GET', '/docs/openapi.json')).body);
  }, 60_000);

  afterAll(() => app?.close());

  it('serves the OpenAPI 3.1 document as JSON, without authentication', async () => {
    const response = await app.request('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ openapi: '3.1.0', info: { title: 'billing API' }, paths: { '/v1/billing/subscription': { get: {} }, '/webhooks/stripe': { post: {} } } });
  });

  it('serves the HTML reference that loads the document from this origin only', async () => {
    const response = await app.request<string>('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toContain("fetch('/docs/openapi.json')");
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
  });

  it('documents only routes the service has registered', () => {
    expect(routes.unregistered).toEqual([]);
  });

  it('documents every route the service has registered', () => {
    const { registered, unread } = routes;
    expect(unread).toEqual([]);
    expect(registered.length).toBeGreaterThan(30);
    const expected = new Set(routes.documented);
    expect(registered.filter((route) => !expected.has(route))).toEqual([]);
  });
});
