import { z } from 'zod';
import { mappingSubmissionV1 } from '../events/mapping-events';
import { republishResponse, whoamiResponse } from './directory-api';
import {
  adminErrors,
  apiKeyErrors,
  componentReferences,
  componentSchemas,
  json,
  JsonObject,
  operationsPaths,
  pathParameter,
  PLATFORM_RESPONSE_SCHEMAS,
  PLATFORM_SECURITY_SCHEMES,
  queryParameters,
  whoamiPath,
  withAdminToken,
  withApiKey,
  withPlatformErrors,
} from './openapi-builder';
import {
  apiKeyResponse,
  complianceMappingList,
  complianceMappingQuery,
  createApiKeyRequest,
  createdApiKeyResponse,
  createTenantRequest,
  dataKeyRotationResponse,
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


const apiKeyList = z.strictObject({ items: z.array(apiKeyResponse) }).describe("The tenant's API keys, revoked ones included.");

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
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;
const { ref, body, returns, error } = componentReferences<SchemaName>();
const noContent = (description: string) => ({ description });
const erasedTenant = { 409: error('The tenant is erased, which is final: it can no longer be changed.') };

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
  };
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
    paths: withPlatformErrors({ ...paths(), ...whoamiPath(), ...operationsPaths() }),
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: PLATFORM_SECURITY_SCHEMES,
    },
  };
}
