import { OpenApiPaths, routeDocumentation, RouteDocumentation } from '@comply/service-testing';
import { createHash } from 'node:crypto';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';

describe('API documentation (integration)', () => {
  let app: CoreStoreTestApp;
  let routes: RouteDocumentation;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false });
    routes = routeDocumentation(app.service, (await app.request<OpenApiPaths>('GET', '/docs/openapi.json')).body);
  });

  afterAll(() => app?.close());

  it('serves the OpenAPI 3.1 document as JSON, without authentication', async () => {
    const response = await app.request('GET', '/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ openapi: '3.1.0', info: { title: 'core-store API' }, paths: { '/v1/mappings': { post: {} } } });
  });

  it('serves a self-contained HTML reference that loads the document from this origin only', async () => {
    const response = await app.request<string>('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toContain("fetch('/docs/openapi.json')");
    expect(response.body).not.toMatch(/(src|href)="https?:/);
    // The policy lets exactly the served inline script and style run.
    const policy = response.headers.get('content-security-policy') ?? '';
    const hashOf = (tag: string) => {
      const inline = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(response.body)![1];
      return `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    };
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${hashOf('script')}`);
    expect(policy).toContain(`style-src ${hashOf('style')}`);
    expect(policy).toContain("connect-src 'self'");
  });

  it('documents only routes the service has registered', () => {
    expect(routes.unregistered).toEqual([]);
  });

  it('documents every route the service has registered', () => {
    const { registered, unread } = routes;
    expect(unread).toEqual([]);
    expect(registered.length).toBeGreaterThan(0);
    const expected = new Set(routes.documented);
    expect(registered.filter((route) => !expected.has(route))).toEqual([]);
  });
});
