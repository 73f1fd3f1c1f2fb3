import { jsonSchemaOf } from '../json-schema';
import { MAX_MAPPINGS_PER_REQUEST, recordListQuery } from './core-store-api';
import { coreStoreOpenApi } from './core-store-openapi';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}

interface JsonSchema {
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, Record<string, string>> };
}

const document = coreStoreOpenApi() as unknown as Document;

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, operation })),
);

/** Every value of `key` anywhere in the document, with where it is. */
function valuesOf(key: string, value: unknown, at = '#'): Array<{ at: string; value: unknown }> {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, item]) => [
    ...(name === key ? [{ at, value: item }] : []),
    ...valuesOf(key, item, `${at}/${name}`),
  ]);
}

/** Follows a local JSON pointer through the document. */
function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

describe('coreStoreOpenApi', () => {
  it('is an OpenAPI 3.1 document that survives JSON serialization unchanged', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'core-store API', version: '1' }, servers: [{ url: '/' }] });
    expect(JSON.parse(JSON.stringify(document))).toStrictEqual(document);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = valuesOf('$ref', document);
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter(({ value }) => typeof value !== 'string' || !value.startsWith('#/components/schemas/') || resolve(value) === undefined);
    expect(broken).toEqual([]);
  });

  it('leaves no standalone-document keywords in the component schemas', () => {
    expect([...valuesOf('$schema', document.components), ...valuesOf('$id', document.components)]).toEqual([]);
  });

  it('gives every operation a unique operationId and a 2xx response', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const without2xx = operations.filter(({ operation }) => !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)));
    expect(without2xx.map(({ route }) => route)).toEqual([]);
  });

  it('answers every error with errorResponse, except readiness reporting its checks', () => {
    const errors = operations.flatMap(({ route, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ route, status, schema: response.content?.['application/json']?.schema })),
    );
    const notErrorResponse = errors.filter(({ route, schema }) => route !== 'GET /health/ready' && schema?.$ref !== '#/components/schemas/ErrorResponse');
    expect(errors.length).toBeGreaterThan(30);
    expect(notErrorResponse).toEqual([]);
  });

  it('declares each path template variable as a required path parameter, and no other', () => {
    const mismatched = operations.filter(({ path, operation }) => {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path' && parameter.required).map((parameter) => parameter.name);
      return inTemplate.join() !== declared.join();
    });
    expect(mismatched.map(({ route }) => route)).toEqual([]);
  });

  it('secures /v1 with a scoped API key, /admin with the admin token, and leaves operations open', () => {
    const securityOf = (route: string) => operations.find((operation) => operation.route === route)?.operation.security;
    expect(securityOf('POST /v1/mappings')).toEqual([{ apiKey: ['ingest'] }]);
    expect(securityOf('GET /v1/records')).toEqual([{ apiKey: ['read'] }]);
    expect(securityOf('GET /v1/records/{id}')).toEqual([{ apiKey: ['read'] }]);
    expect(securityOf('DELETE /v1/records/{id}')).toEqual([{ apiKey: ['admin'] }]);
    for (const { route, path, operation } of operations) {
      if (path.startsWith('/admin/')) expect({ route, security: operation.security }).toEqual({ route, security: [{ adminToken: [] }] });
      if (!path.startsWith('/admin/') && !path.startsWith('/v1/')) expect({ route, security: operation.security }).toEqual({ route, security: [] });
    }
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer', description: expect.stringContaining('csk_') }),
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer', description: expect.stringContaining('ADMIN_TOKEN') }),
    });
  });

  describe('POST /v1/mappings', () => {
    const operation = document.paths['/v1/mappings'].post;
    const submission = document.components.schemas.MappingSubmission;

    it('takes one mapping or an array of up to the batch limit', () => {
      expect(operation.requestBody!.content['application/json'].schema).toEqual({
        oneOf: [
          { $ref: '#/components/schemas/MappingSubmission' },
          { type: 'array', items: { $ref: '#/components/schemas/MappingSubmission' }, minItems: 1, maxItems: MAX_MAPPINGS_PER_REQUEST },
        ],
      });
    });

    it('rejects tenantId and any other unknown field, and lists the required fields', () => {
      expect(submission.additionalProperties).toBe(false);
      expect(Object.keys(submission.properties!)).not.toContain('tenantId');
      expect(submission.required).toEqual(['requestId', 'detector', 'sourceData', 'taxonomy', 'scores', 'confidence', 'modelVersion', 'latencyMs', 'occurredAt']);
      expect(submission.properties!.detector).toMatchObject({ additionalProperties: false, required: ['name', 'type', 'version'] });
    });

    it('documents the ingest outcomes, with the error policy\'s 500 and 503 (Retry-After)', () => {
      expect(Object.keys(operation.responses).sort()).toEqual(['202', '400', '401', '403', '413', '429', '500', '503']);
      expect(operation.responses[202].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/IngestResponse' });
      expect(operation.responses[429].description).toMatch(/quota/i);
      expect(operation.responses[503]).toMatchObject({ headers: { 'Retry-After': { schema: { type: 'integer' } } } });
    });
  });

  it('lists every field of recordListQuery as a query parameter with its parsed schema and description', () => {
    const parameters = document.paths['/v1/records'].get.parameters!;
    expect(parameters.map((parameter) => parameter.name)).toEqual(Object.keys(recordListQuery.shape));
    expect(parameters.every((parameter) => parameter.in === 'query' && !parameter.required && typeof parameter.description === 'string')).toBe(true);
    expect(parameters.find((parameter) => parameter.name === 'limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    expect(parameters.find((parameter) => parameter.name === 'minConfidence')!.schema).toEqual({ type: 'number', minimum: 0, maximum: 1 });
  });

  it('refers from one component to another instead of repeating it', () => {
    expect(document.components.schemas.RecordList.properties!.items.items).toEqual({ $ref: '#/components/schemas/RecordSummary' });
    expect(document.components.schemas.ApiKeyList.properties!.items.items).toEqual({ $ref: '#/components/schemas/ApiKeyResponse' });
  });

  it('documents the admin API, erasure, key rotation and the directory republish', () => {
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/admin/'))).toEqual([
      '/admin/tenants',
      '/admin/tenants/{id}',
      '/admin/tenants/{id}/config',
      '/admin/tenants/{id}/api-keys',
      '/admin/tenants/{id}/api-keys/{keyId}',
      '/admin/tenants/{id}/erase',
      '/admin/tenants/{id}/data-keys/rotate',
      '/admin/data-keys/rewrap',
      '/admin/directory/republish',
    ]);
    expect(document.paths['/admin/directory/republish'].post.responses[200].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RepublishResponse',
    });
    expect(document.paths['/v1/whoami'].get.responses[200].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/WhoamiResponse',
    });
    expect(document.paths['/admin/tenants'].post.responses).toMatchObject({ 201: {}, 409: {} });
    expect(document.paths['/admin/data-keys/rewrap'].post.responses[200].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/KeyRewrapResponse',
    });
    expect(document.paths['/admin/tenants/{id}/api-keys'].post.responses[201].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatedApiKeyResponse',
    });
    expect(document.paths['/admin/tenants/{id}/erase'].post.responses[200].content!['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TenantErasureResponse',
    });
  });

  it('is the same every time and leaves the event JSON Schemas free of its component references', () => {
    expect(coreStoreOpenApi()).toStrictEqual(document);
    const eventSchema = jsonSchemaOf('mapping.result.v1');
    expect([...valuesOf('$ref', eventSchema), ...valuesOf('$defs', eventSchema)]).toEqual([]);
    expect(eventSchema.required).toContain('tenantId');
  });
});
