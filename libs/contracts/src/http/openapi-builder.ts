import { z } from 'zod';
import { API_KEY_SCOPES } from '../events/directory-events';
import { errorResponse } from './error-response';

/**
 * What every service's OpenAPI 3.1 document is built from: components generated from the zod
 * contracts the service validates with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is
 * what zod emits), parameters, the platform's security schemes and errors, and the operations
 * routes every service serves.
 */

export type JsonObject = Record<string, unknown>;
type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const COMPONENT_SCHEMAS = '#/components/schemas/';

// What libs/service-runtime's health controller answers; restated here because contracts import nothing else of ours.
const liveness = z.strictObject({ status: z.literal('ok') });
const healthReport = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.strictObject({ status: z.enum(['up', 'down']), error: z.string().optional() })).describe('Each dependency check by name.'),
});

/** The components every document has: the error body and the health answers. */
export const PLATFORM_RESPONSE_SCHEMAS = { ErrorResponse: errorResponse, Liveness: liveness, HealthReport: healthReport };

/** Each schema as a component; a schema that contains another of the same set refers to it. */
export function componentSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io, uri: (id) => `${COMPONENT_SCHEMAS}${id}` }).schemas;
  // A component is not a standalone document: no dialect, and no $id (2020-12 forbids the fragment it would carry).
  return Object.fromEntries(Object.entries(generated).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]));
}

/** A field schema inline (path parameters), without the document-level `$schema`. */
function inlineSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { io });
  return rest;
}

export const json = (schema: JsonObject) => ({ 'application/json': { schema } });

/** References into one document's components, typed by its component names. */
export function componentReferences<Name extends string>() {
  const ref = (name: Name | keyof typeof PLATFORM_RESPONSE_SCHEMAS) => ({ $ref: `${COMPONENT_SCHEMAS}${name}` });
  const returns = (description: string, name: Name | keyof typeof PLATFORM_RESPONSE_SCHEMAS) => ({ description, content: json(ref(name)) });
  return {
    ref,
    body: (name: Name) => ({ required: true, content: json(ref(name)) }),
    returns,
    error: (description: string) => returns(description, 'ErrorResponse'),
  };
}

const platform = componentReferences<never>();

export const withApiKey = (scope: ApiKeyScope) => [{ apiKey: [scope] }];
export const withAdminToken = [{ adminToken: [] }];
export const unauthenticated: JsonObject[] = [];

export const apiKeyErrors = {
  401: platform.error('Missing, unknown or revoked API key.'),
  403: platform.error('The key lacks the scope, or its tenant is suspended.'),
};
export const adminErrors = { 401: platform.error('Missing or wrong admin token, or ADMIN_TOKEN is not set.') };

export const pathParameter = (name: string, schema: z.ZodType, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: inlineSchema(schema, 'input'),
});

/**
 * One parameter per field. Whether it is required comes from the input (a default makes it
 * optional); its schema is the parsed value's, as OpenAPI describes a query parameter after
 * deserialization, so a `limit` shows as an integer in its range rather than as coercible text.
 */
export function queryParameters(query: z.ZodObject): JsonObject[] {
  const required = z.toJSONSchema(query, { io: 'input' }).required ?? [];
  return Object.entries(query.shape).map(([name, field]) => {
    const { description, ...schema } = inlineSchema(field as z.ZodType, 'output');
    return { name, in: 'query', required: required.includes(name), description, schema };
  });
}

/** `GET /v1/whoami`, which every service answers the same (its document lists `WhoamiResponse`). */
export function whoamiPath(): JsonObject {
  return {
    '/v1/whoami': {
      get: {
        operationId: 'whoami',
        tags: ['auth'],
        summary: 'The tenant, key id and scopes of the API key sent: the same answer on every service',
        security: [{ apiKey: [] }],
        responses: { 200: platform.returns('The key is valid.', 'WhoamiResponse' as never), ...apiKeyErrors },
      },
    },
  };
}

/** Health, metrics and this reference: what libs/service-runtime serves on every service. */
export function operationsPaths(): JsonObject {
  const operation = (operationId: string, summary: string, responses: JsonObject) => ({
    get: { operationId, tags: ['operations'], summary, security: unauthenticated, responses },
  });
  const text = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  return {
    '/health/live': operation('liveness', 'The process serves HTTP', { 200: platform.returns('Alive.', 'Liveness') }),
    '/health/ready': operation('readiness', 'Every dependency answers', {
      200: platform.returns('Ready.', 'HealthReport'),
      503: platform.returns('A dependency is down.', 'HealthReport'),
    }),
    '/metrics': operation('metrics', 'Prometheus metrics', { 200: text('Prometheus text exposition format.', 'text/plain') }),
    '/docs': operation('docsPage', 'This reference as an HTML page', { 200: text('The page.', 'text/html') }),
    '/docs/openapi.json': operation('openApiDocument', 'This OpenAPI document', { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } }),
  };
}

/**
 * What libs/service-runtime's error policy may answer on any route that reaches the database: a
 * temporary failure (503 with Retry-After) and an unexpected one (500 with the request id only).
 * Routes that document their own 503 (readiness) keep it.
 */
export function withPlatformErrors(documented: JsonObject): JsonObject {
  const platformErrors = {
    500: platform.error('Unexpected failure. The body carries only `requestId`; quote it when reporting the problem.'),
    503: {
      ...platform.error('Temporary failure (a serialization conflict, deadlock or lost database connection); retry after `Retry-After` seconds.'),
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } },
    },
  };
  return Object.fromEntries(
    Object.entries(documented).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item as Record<string, JsonObject>).map(([method, operation]) => [
          method,
          { ...operation, responses: { ...platformErrors, ...(operation.responses as JsonObject) } },
        ]),
      ),
    ]),
  );
}

/** How the platform's routes authenticate: tenant API keys and the service's admin token. */
export const PLATFORM_SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description: `A tenant API key, \`csk_...\`, issued by core-store. It decides the tenant; its scopes (${API_KEY_SCOPES.join(', ')}) decide what it may do.`,
  },
  adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN configured on the service.' },
};
