import { z } from 'zod';
import { mappingSubmissionV1 } from '../events/mapping-events';
import { republishResponse, whoamiResponse } from './directory-api';
import {
  API_KEY_SCOPES,
  apiKeyResponse,
  complianceMappingList,
  complianceMappingQuery,
  createApiKeyRequest,
  createdApiKeyResponse,
  createTenantRequest,
  dataKeyRotationResponse,
  errorResponse,
  ingestResponse,
  keyRewrapResponse,
  MAX_MAPPINGS_PER_REQUEST,
  recordList,
  recordListQuery,
  recordSummary,
  storedRecord,
  taxonomyLabelList,
  taxonomyQuery,
  tenantConfigResponse,
  tenantConfigUpdate,
  tenantErasureResponse,
  tenantResponse,
  updateTenantRequest,
} from './core-store-api';

/**
 * core-store's OpenAPI 3.1 document, generated from the zod contracts the service validates with,
 * so that the document and the service cannot disagree. OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which is what zod emits.
 */

type JsonObject = Record<string, unknown>;
type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const apiKeyList = z.strictObject({ items: z.array(apiKeyResponse) }).describe("The tenant's API keys, revoked ones included.");

// What libs/service-runtime's health controller answers; restated here because contracts import nothing else of ours.
const liveness = z.strictObject({ status: z.literal('ok') });
const healthReport = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.strictObject({ status: z.enum(['up', 'down']), error: z.string().optional() })).describe('Each dependency check by name.'),
});

/** Bodies clients send, described as input: fields with defaults are optional. */
const REQUEST_SCHEMAS = {
  MappingSubmission: mappingSubmissionV1,
  CreateTenantRequest: createTenantRequest,
  UpdateTenantRequest: updateTenantRequest,
  TenantConfigUpdate: tenantConfigUpdate,
  CreateApiKeyRequest: createApiKeyRequest,
};

/** What the service answers, described as output. */
const RESPONSE_SCHEMAS = {
  IngestResponse: ingestResponse,
  RecordSummary: recordSummary,
  RecordList: recordList,
  StoredRecord: storedRecord,
  TenantResponse: tenantResponse,
  TenantConfigResponse: tenantConfigResponse,
  ApiKeyResponse: apiKeyResponse,
  ApiKeyList: apiKeyList,
  CreatedApiKeyResponse: createdApiKeyResponse,
  TenantErasureResponse: tenantErasureResponse,
  DataKeyRotationResponse: dataKeyRotationResponse,
  KeyRewrapResponse: keyRewrapResponse,
  RepublishResponse: republishResponse,
  WhoamiResponse: whoamiResponse,
  TaxonomyLabelList: taxonomyLabelList,
  ComplianceMappingList: complianceMappingList,
  ErrorResponse: errorResponse,
  Liveness: liveness,
  HealthReport: healthReport,
};

type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;

const COMPONENT_SCHEMAS = '#/components/schemas/';

/** Each schema as a component; a schema that contains another of the same set refers to it. */
function componentSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonObject> {
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

const ref = (name: SchemaName) => ({ $ref: `${COMPONENT_SCHEMAS}${name}` });
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const body = (name: SchemaName) => ({ required: true, content: json(ref(name)) });
const returns = (description: string, name: SchemaName) => ({ description, content: json(ref(name)) });
const error = (description: string) => returns(description, 'ErrorResponse');
const noContent = (description: string) => ({ description });

const withApiKey = (scope: ApiKeyScope) => [{ apiKey: [scope] }];
const withAdminToken = [{ adminToken: [] }];
const unauthenticated: JsonObject[] = [];

const apiKeyErrors = {
  401: error('Missing, unknown or revoked API key.'),
  403: error('The key lacks the scope, or its tenant is suspended.'),
};
const adminErrors = { 401: error('Missing or wrong admin token, or ADMIN_TOKEN is not set.') };
const erasedTenant = { 409: error('The tenant is erased, which is final: it can no longer be changed.') };

const pathParameter = (name: string, schema: z.ZodType, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: inlineSchema(schema, 'input'),
});

/**
 * One parameter per field. Whether it is required comes from the input (a default makes it
 * optional); its schema is the parsed value's, as OpenAPI describes a query parameter after
 * deserialization, so `limit` shows as an integer in 1..500 rather than as coercible text.
 */
function queryParameters(query: z.ZodObject): JsonObject[] {
  const required = z.toJSONSchema(query, { io: 'input' }).required ?? [];
  return Object.entries(query.shape).map(([name, field]) => {
    const { description, ...schema } = inlineSchema(field as z.ZodType, 'output');
    return { name, in: 'query', required: required.includes(name), description, schema };
  });
}

const mappingsBody = {
  required: true,
  description: `One mapping result, or an array of 1 to ${MAX_MAPPINGS_PER_REQUEST}.`,
  content: json({
    oneOf: [ref('MappingSubmission'), { type: 'array', items: ref('MappingSubmission'), minItems: 1, maxItems: MAX_MAPPINGS_PER_REQUEST }],
  }),
};

function paths(): JsonObject {
  const recordIdParameter = pathParameter('id', recordSummary.shape.id, 'Record id.');
  const tenantIdParameter = pathParameter('id', tenantResponse.shape.id, 'Tenant id.');
  const keyIdParameter = pathParameter('keyId', apiKeyResponse.shape.id, 'API key id.');
  return {
    '/v1/mappings': {
      post: {
        operationId: 'submitMappings',
        tags: ['records'],
        summary: "Store mapping results for the key's tenant",
        description: 'Idempotent per requestId: a resend answers "duplicate" with the stored record id.',
        security: withApiKey('ingest'),
        requestBody: mappingsBody,
        responses: {
          202: returns('Stored; record.stored.v1 events are queued.', 'IngestResponse'),
          400: error('Invalid body; `issues` names each invalid field, e.g. `[3].detector.name`.'),
          ...apiKeyErrors,
          413: error(`Body too large, or more than ${MAX_MAPPINGS_PER_REQUEST} items.`),
          429: error('Monthly record quota reached.'),
        },
      },
    },
    '/v1/records': {
      get: {
        operationId: 'listRecords',
        tags: ['records'],
        summary: "List the tenant's records, newest first",
        security: withApiKey('read'),
        parameters: queryParameters(recordListQuery),
        responses: { 200: returns('One page of records.', 'RecordList'), 400: error('Invalid query parameter.'), ...apiKeyErrors },
      },
    },
    '/v1/records/{id}': {
      get: {
        operationId: 'getRecord',
        tags: ['records'],
        summary: 'One record with its decrypted payloads',
        security: withApiKey('read'),
        parameters: [recordIdParameter],
        responses: {
          200: returns('The record.', 'StoredRecord'),
          ...apiKeyErrors,
          404: error('No such record for this tenant.'),
          410: error("The tenant's data was erased: the record can no longer be decrypted."),
        },
      },
      delete: {
        operationId: 'deleteRecord',
        tags: ['records'],
        summary: 'Delete one record',
        security: withApiKey('admin'),
        parameters: [recordIdParameter],
        responses: {
          204: noContent('Deleted; a record.deleted.v1 event is queued.'),
          ...apiKeyErrors,
          404: error('No such record for this tenant.'),
        },
      },
    },
    '/v1/whoami': {
      get: {
        operationId: 'whoami',
        tags: ['auth'],
        summary: 'The tenant, key id and scopes of the API key sent: the same answer on every service',
        security: [{ apiKey: [] }],
        responses: { 200: returns('The key is valid.', 'WhoamiResponse'), ...apiKeyErrors },
      },
    },
    '/v1/taxonomy': {
      get: {
        operationId: 'listTaxonomyLabels',
        tags: ['reference'],
        summary: 'Taxonomy labels: the global seed and the tenant\'s own',
        security: withApiKey('read'),
        parameters: queryParameters(taxonomyQuery),
        responses: { 200: returns('The labels.', 'TaxonomyLabelList'), 400: error('Invalid query parameter.'), ...apiKeyErrors },
      },
    },
    '/v1/compliance-mappings': {
      get: {
        operationId: 'listComplianceMappings',
        tags: ['reference'],
        summary: 'Framework controls that apply to a taxonomy label (mapped to it or an ancestor)',
        security: withApiKey('read'),
        parameters: queryParameters(complianceMappingQuery),
        responses: { 200: returns('The controls.', 'ComplianceMappingList'), 400: error('Invalid query parameter.'), ...apiKeyErrors },
      },
    },
    '/admin/tenants': {
      post: {
        operationId: 'createTenant',
        tags: ['admin'],
        summary: 'Create a tenant with its default config',
        security: withAdminToken,
        requestBody: body('CreateTenantRequest'),
        responses: {
          201: returns('Created.', 'TenantResponse'),
          400: error('Invalid body.'),
          ...adminErrors,
          409: error('A tenant with this id exists.'),
        },
      },
    },
    '/admin/tenants/{id}': {
      get: {
        operationId: 'getTenant',
        tags: ['admin'],
        summary: 'One tenant',
        security: withAdminToken,
        parameters: [tenantIdParameter],
        responses: { 200: returns('The tenant.', 'TenantResponse'), ...adminErrors, 404: error('No such tenant.') },
      },
      patch: {
        operationId: 'updateTenant',
        tags: ['admin'],
        summary: 'Rename, re-plan, suspend or reactivate a tenant',
        security: withAdminToken,
        parameters: [tenantIdParameter],
        requestBody: body('UpdateTenantRequest'),
        responses: {
          200: returns('The updated tenant.', 'TenantResponse'),
          400: error('Invalid body, or nothing to change.'),
          ...adminErrors,
          404: error('No such tenant.'),
          ...erasedTenant,
        },
      },
    },
    '/admin/tenants/{id}/config': {
      get: {
        operationId: 'getTenantConfig',
        tags: ['admin'],
        summary: "A tenant's config",
        security: withAdminToken,
        parameters: [tenantIdParameter],
        responses: { 200: returns('The config.', 'TenantConfigResponse'), ...adminErrors, 404: error('No such tenant.') },
      },
      patch: {
        operationId: 'updateTenantConfig',
        tags: ['admin'],
        summary: 'Change retention, detectors, default model version or quota',
        security: withAdminToken,
        parameters: [tenantIdParameter],
        requestBody: body('TenantConfigUpdate'),
        responses: {
          200: returns('The updated config.', 'TenantConfigResponse'),
          400: error('Invalid body, or nothing to change.'),
          ...adminErrors,
          404: error('No such tenant.'),
          ...erasedTenant,
        },
      },
    },
    '/admin/tenants/{id}/api-keys': {
      post: {
        operationId: 'createApiKey',
        tags: ['admin'],
        summary: 'Issue an API key',
        security: withAdminToken,
        parameters: [tenantIdParameter],
        requestBody: body('CreateApiKeyRequest'),
        responses: {
          201: returns('Created; `key` is shown only here.', 'CreatedApiKeyResponse'),
          400: error('Invalid body.'),
          ...adminErrors,
          404: error('No such tenant.'),
          ...erasedTenant,
        },
      },
      get: {
        operationId: 'listApiKeys',
        tags: ['admin'],
        summary: "A tenant's API keys (never the keys themselves)",
        security: withAdminToken,
        parameters: [tenantIdParameter],
        responses: { 200: returns('The keys.', 'ApiKeyList'), ...adminErrors, 404: error('No such tenant.') },
      },
    },
    '/admin/tenants/{id}/api-keys/{keyId}': {
      delete: {
        operationId: 'revokeApiKey',
        tags: ['admin'],
        summary: 'Revoke an API key at once',
        security: withAdminToken,
        parameters: [tenantIdParameter, keyIdParameter],
        responses: { 204: noContent('Revoked.'), ...adminErrors, 404: error('No such key for this tenant.') },
      },
    },
    '/admin/tenants/{id}/erase': {
      post: {
        operationId: 'eraseTenant',
        tags: ['admin'],
        summary: 'Erase a tenant: revoke its keys and destroy its data keys (irreversible)',
        security: withAdminToken,
        parameters: [tenantIdParameter],
        responses: { 200: returns('Erased.', 'TenantErasureResponse'), ...adminErrors, 404: error('No such tenant.') },
      },
    },
    '/admin/tenants/{id}/data-keys/rotate': {
      post: {
        operationId: 'rotateDataKey',
        tags: ['admin'],
        summary: "Start a new data key for the tenant's future writes; existing values keep theirs",
        security: withAdminToken,
        parameters: [tenantIdParameter],
        responses: { 200: returns('Rotated.', 'DataKeyRotationResponse'), ...adminErrors, 404: error('No such tenant.'), ...erasedTenant },
      },
    },
    '/admin/data-keys/rewrap': {
      post: {
        operationId: 'rewrapDataKeys',
        tags: ['admin'],
        summary: 'After rotating the key-encryption key: re-wrap every data key under its current version',
        security: withAdminToken,
        responses: { 200: returns('Re-wrapped.', 'KeyRewrapResponse'), ...adminErrors },
      },
    },
    '/admin/directory/republish': {
      post: {
        operationId: 'republishDirectory',
        tags: ['admin'],
        summary: "Queue the current state of every tenant and API key on tenant-events, so other services' replicas catch up",
        security: withAdminToken,
        responses: { 200: returns('Queued.', 'RepublishResponse'), ...adminErrors },
      },
    },
    '/health/live': {
      get: {
        operationId: 'liveness',
        tags: ['operations'],
        summary: 'The process serves HTTP',
        security: unauthenticated,
        responses: { 200: returns('Alive.', 'Liveness') },
      },
    },
    '/health/ready': {
      get: {
        operationId: 'readiness',
        tags: ['operations'],
        summary: 'Every dependency answers',
        security: unauthenticated,
        responses: { 200: returns('Ready.', 'HealthReport'), 503: returns('A dependency is down.', 'HealthReport') },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        security: unauthenticated,
        responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/docs': {
      get: {
        operationId: 'docsPage',
        tags: ['operations'],
        summary: 'This reference as an HTML page',
        security: unauthenticated,
        responses: { 200: { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/docs/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        tags: ['operations'],
        summary: 'This OpenAPI document',
        security: unauthenticated,
        responses: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
      },
    },
  };
}

/**
 * What libs/service-runtime's error policy may answer on any route that reaches the database: a
 * temporary failure (503 with Retry-After) and an unexpected one (500 with the request id only).
 * Routes that document their own 503 (readiness) keep it.
 */
function withPlatformErrors(documented: JsonObject): JsonObject {
  const platformErrors = {
    500: error('Unexpected failure. The body carries only `requestId`; quote it when reporting the problem.'),
    503: {
      ...error('Temporary failure (a serialization conflict, deadlock or lost database connection); retry after `Retry-After` seconds.'),
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

export function coreStoreOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'core-store API',
      version: '1',
      description:
        'Tenant-isolated system of record for mapping results: producers store results with a tenant API key, ' +
        'readers list and fetch them, operators manage tenants with the admin token. Source data is stored encrypted per tenant.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'records', description: 'Ingest and read with a tenant API key.' },
      { name: 'auth', description: 'Who an API key belongs to; every service answers the same.' },
      { name: 'admin', description: 'Tenant management with the admin token.' },
      { name: 'operations', description: 'Health, metrics and this documentation; no authentication.' },
    ],
    paths: withPlatformErrors(paths()),
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: `A tenant API key, \`csk_...\`. It decides the tenant; its scopes (${API_KEY_SCOPES.join(', ')}) decide what it may do.`,
        },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN configured on the service.' },
      },
    },
  };
}
