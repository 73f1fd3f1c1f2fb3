import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';

const fastifyOf = (app: BillingTestApp) => app.service.app.getHttpAdapter().getInstance();

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string }>>;
}

/**
 * "METHOD /path" for every route in `printRoutes({ commonPrefix: false })`: one node a line, its
 * depth given by 4-character indentation, its path relative to its parent. HEAD routes Fastify adds
 * to each GET by itself are left out. Lines the pattern does not read come back in `unread`.
 */
function routesOf(tree: string): { routes: string[]; unread: string[] } {
  const stack: string[] = [];
  const routes: string[] = [];
  const unread: string[] = [];
  for (const line of tree.split('\n').filter((text) => text.trim())) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) {
      unread.push(line);
      continue;
    }
    stack.length = match[1].length / 4;
    stack.push(match[2]);
    const methods = match[3]?.split(', ').filter((method) => method !== 'HEAD') ?? [];
    routes.push(...methods.map((method) => `${method} ${stack.join('')}`));
  }
  return { routes, unread };
}

describe('API documentation (integration)', () => {
  let app: BillingTestApp;
  let document: OpenApiDocument;
  let fastify: ReturnType<typeof fastifyOf>;

  beforeAll(async () => {
    app = await startBillingTestApp();
    fastify = fastifyOf(app);
    document = (await app.request<OpenApiDocument>('GET', '/docs/openapi.json')).body;
  }, 60_000);

  afterAll(() => app?.close());

  const documented = () =>
    Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));

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
    const unregistered = documented().filter((route) => {
      const [method, url] = route.split(' ');
      return !fastify.hasRoute({ method: method as 'GET', url });
    });
    expect(unregistered).toEqual([]);
  });

  it('documents every route the service has registered', () => {
    const { routes, unread } = routesOf(fastify.printRoutes({ commonPrefix: false }));
    expect(unread).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
    const expected = new Set(documented());
    expect(routes.filter((route) => !expected.has(route))).toEqual([]);
  });
});
