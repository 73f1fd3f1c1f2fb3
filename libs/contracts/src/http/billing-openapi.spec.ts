import { billingOpenApi } from './billing-openapi';
import { billingPageQuery, PROMOTION_REFUSAL_REASONS, usageQuery } from './billing/tenant-billing-api';
import { stripeEventListQuery } from './billing/stripe-webhooks-api';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, Record<string, string>> };
}

const document = billingOpenApi() as unknown as Document;

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, operation })),
);

/** Every value of `key` anywhere in the document, with where it is. */
function valuesOf(key: string, value: unknown, at = '#'): Array<{ at: string; value: unknown }> {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, item]) => [...(name === key ? [{ at, value: item }] : []), ...valuesOf(key, item, `${at}/${name}`)]);
}

/** Follows a local JSON pointer through the document. */
function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

const responseSchema = (route: string, status: number | string) =>
  operations.find((operation) => operation.route === route)?.operation.responses[status]?.content?.['application/json']?.schema;

describe('billingOpenApi', () => {
  it('is an OpenAPI 3.1 document that survives JSON serialization unchanged', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'billing API', version: '1' }, servers: [{ url: '/' }] });
    expect(JSON.parse(JSON.stringify(document))).toStrictEqual(document);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = valuesOf('$ref', document);
    expect(refs.length).toBeGreaterThan(40);
    const broken = refs.filter(({ value }) => typeof value !== 'string' || !value.startsWith('#/components/schemas/') || resolve(value) === undefined);
    expect(broken).toEqual([]);
  });

  it('leaves no standalone-document keywords in the component schemas', () => {
    expect([...valuesOf('$schema', document.components), ...valuesOf('$id', document.components)]).toEqual([]);
  });

  it('gives every operation a unique operationId, a known tag and a 2xx response', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(document.tags.map((tag) => tag.name));
    expect(operations.filter(({ operation }) => !operation.tags?.every((tag) => tags.has(tag))).map(({ route }) => route)).toEqual([]);
    const without2xx = operations.filter(({ operation }) => !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)));
    expect(without2xx.map(({ route }) => route)).toEqual([]);
  });

  it('answers every error with errorResponse, except readiness reporting its checks and a refused redemption giving its reason', () => {
    const errors = operations.flatMap(({ route, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ route: `${route} ${status}`, schema: response.content?.['application/json']?.schema })),
    );
    const notErrorResponse = errors.filter(({ schema }) => schema?.$ref !== '#/components/schemas/ErrorResponse').map(({ route, schema }) => [route, schema?.$ref]);
    expect(errors.length).toBeGreaterThan(100);
    expect(notErrorResponse).toEqual([
      ['POST /v1/billing/promotions/redeem 409', '#/components/schemas/PromotionRefusal'],
      ['GET /health/ready 503', '#/components/schemas/HealthReport'],
    ]);
    expect(document.components.schemas.PromotionRefusal.properties!.reason.enum).toEqual([...PROMOTION_REFUSAL_REASONS]);
  });

  it('declares each path template variable as a required path parameter, and no other', () => {
    const mismatched = operations.filter(({ path, operation }) => {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path' && parameter.required).map((parameter) => parameter.name);
      return inTemplate.join() !== declared.join();
    });
    expect(mismatched.map(({ route }) => route)).toEqual([]);
  });

  it('secures /v1 with a scoped API key, /admin with the admin token, the webhook with the Stripe signature, and leaves operations open', () => {
    const securityOf = (route: string) => operations.find((operation) => operation.route === route)?.operation.security;
    expect(securityOf('GET /v1/billing/subscription')).toEqual([{ apiKey: ['read'] }]);
    expect(securityOf('POST /v1/billing/promotions/validate')).toEqual([{ apiKey: ['read'] }]);
    expect(securityOf('POST /v1/billing/promotions/redeem')).toEqual([{ apiKey: ['admin'] }]);
    expect(securityOf('GET /v1/whoami')).toEqual([{ apiKey: [] }]);
    expect(securityOf('POST /webhooks/stripe')).toEqual([{ stripeSignature: [] }]);
    for (const { route, path, operation } of operations) {
      if (path.startsWith('/admin/')) expect({ route, security: operation.security }).toEqual({ route, security: [{ adminToken: [] }] });
      if (path.startsWith('/v1/billing/')) expect({ route, security: operation.security }).toEqual({ route, security: [{ apiKey: [expect.stringMatching(/^(read|admin)$/)] }] });
      if (!/^\/(admin|v1|webhooks)\//.test(path)) expect({ route, security: operation.security }).toEqual({ route, security: [] });
    }
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer', description: expect.stringContaining('csk_') }),
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer', description: expect.stringContaining('ADMIN_TOKEN') }),
      stripeSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Stripe-Signature' }),
    });
  });

  it('documents the refusals of every tenant route (401, 403) and every operator route (401), with the error policy\'s 500 and 503', () => {
    for (const { route, path, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      if (path.startsWith('/v1/')) expect({ route, statuses }).toEqual({ route, statuses: expect.arrayContaining(['401', '403', '500', '503']) });
      if (path.startsWith('/admin/')) expect({ route, statuses }).toEqual({ route, statuses: expect.arrayContaining(['401', '500', '503']) });
    }
    expect(document.paths['/v1/billing/invoices/{id}'].get.responses[404]).toBeDefined();
    expect(document.paths['/admin/plans/{code}'].patch.responses[409].description).toMatch(/free plan/);
    expect(document.paths['/admin/tenants/{tenantId}/engagements/{id}'].patch.responses[409]).toBeDefined();
    expect(document.paths['/admin/tenants/{tenantId}/sla-measurements'].post.responses[409].description).toMatch(/already has a measurement/);
  });

  it('lists every field of the query contracts as a query parameter with its parsed schema and description', () => {
    const parametersOf = (path: string) => document.paths[path].get.parameters!;
    expect(parametersOf('/v1/billing/usage').map((parameter) => parameter.name)).toEqual(Object.keys(usageQuery.shape));
    for (const path of ['/v1/billing/invoices', '/v1/billing/payments']) {
      expect(parametersOf(path).map((parameter) => parameter.name)).toEqual(Object.keys(billingPageQuery.shape));
      expect(parametersOf(path).find((parameter) => parameter.name === 'limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    }
    expect(parametersOf('/admin/stripe/events').map((parameter) => parameter.name)).toEqual(Object.keys(stripeEventListQuery.shape));
    const everyParameter = ['/v1/billing/usage', '/v1/billing/invoices', '/admin/stripe/events'].flatMap(parametersOf);
    expect(everyParameter.every((parameter) => parameter.in === 'query' && !parameter.required && typeof parameter.description === 'string')).toBe(true);
  });

  it('describes money as non-negative integers of minor units with a lower-case ISO currency', () => {
    const invoice = document.components.schemas.InvoiceResponse.properties!;
    for (const field of ['amountDue', 'amountPaid', 'creditsApplied']) expect(invoice[field]).toMatchObject({ type: 'integer', minimum: 0 });
    expect(invoice.currency).toMatchObject({ type: 'string', pattern: '^[a-z]{3}$' });
    const createPlan = document.components.schemas.CreatePlanRequest;
    expect(createPlan.additionalProperties).toBe(false);
    expect(createPlan.required).toEqual(['code', 'name', 'priceMinor', 'currency', 'includedRecords']);
    expect(createPlan.properties!.includedRecords).toMatchObject({ anyOf: [{ type: 'integer', minimum: 0, maximum: 2_147_483_647 }, { type: 'null' }] });
  });

  it('refers from one component to another instead of repeating it', () => {
    expect(document.components.schemas.InvoiceList.properties!.items.items).toEqual({ $ref: '#/components/schemas/InvoiceResponse' });
    expect(document.components.schemas.BillingSubscriptionResponse.properties!.plan).toEqual({ $ref: '#/components/schemas/PlanSummary' });
    expect(document.components.schemas.SlaReport.properties!.measurements.items).toEqual({ $ref: '#/components/schemas/SlaMeasurementResponse' });
    expect(document.components.schemas.StripeEventList.properties!.items.items).toEqual({ $ref: '#/components/schemas/StripeEventSummary' });
  });

  it('documents the tenant API, the operator API, the Stripe routes, whoami and the operations routes', () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/v1/billing/subscription',
        '/v1/billing/usage',
        '/v1/billing/invoices',
        '/v1/billing/invoices/{id}',
        '/v1/billing/payments',
        '/v1/billing/promotions/validate',
        '/v1/billing/promotions/redeem',
        '/v1/billing/engagements',
        '/v1/billing/training-sessions',
        '/v1/billing/sla',
        '/v1/whoami',
        '/admin/plans',
        '/admin/plans/{code}',
        '/admin/tenants/{tenantId}/plan-override',
        '/admin/promotions',
        '/admin/promotions/{code}',
        '/admin/tenants/{tenantId}/engagements',
        '/admin/tenants/{tenantId}/engagements/{id}',
        '/admin/tenants/{tenantId}/training-sessions',
        '/admin/tenants/{tenantId}/training-sessions/{id}',
        '/admin/tenants/{tenantId}/sla-commitments',
        '/admin/tenants/{tenantId}/sla-commitments/{id}',
        '/admin/tenants/{tenantId}/sla-measurements',
        '/webhooks/stripe',
        '/admin/stripe/events',
        '/admin/stripe/events/{id}',
        '/admin/stripe/events/{id}/reprocess',
        '/health/live',
        '/health/ready',
        '/metrics',
        '/docs',
        '/docs/openapi.json',
      ].sort(),
    );
    expect(responseSchema('POST /webhooks/stripe', 200)).toEqual({ $ref: '#/components/schemas/StripeWebhookResponse' });
    expect(document.paths['/webhooks/stripe'].post.requestBody!.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StripeWebhookEvent' });
    expect(responseSchema('POST /admin/stripe/events/{id}/reprocess', 200)).toEqual({ $ref: '#/components/schemas/StripeEventDetail' });
    expect(responseSchema('PUT /admin/tenants/{tenantId}/plan-override', 200)).toEqual({ $ref: '#/components/schemas/BillingSubscriptionResponse' });
    expect(responseSchema('POST /v1/billing/promotions/redeem', 201)).toEqual({ $ref: '#/components/schemas/PromotionRedemption' });
    expect(responseSchema('GET /v1/whoami', 200)).toEqual({ $ref: '#/components/schemas/WhoamiResponse' });
  });

  it('is the same every time', () => {
    expect(billingOpenApi()).toStrictEqual(document);
  });
});
