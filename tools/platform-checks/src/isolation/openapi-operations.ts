/**
 * The operations of a service as its own OpenAPI document (`GET /docs/openapi.json`, served by
 * DocsModule) declares them, so that the isolation matrix covers a new route as soon as it is
 * documented, and derives what each caller should get from the document rather than from a list.
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface RawOperation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string }>;
}

interface RawParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

/** Which credentials an operation's security requirements accept (any one requirement suffices). */
export interface OperationSecurity {
  /** `security: []`: anyone, no credential. */
  open: boolean;
  /** A tenant API key is accepted; `scope` is the one it must carry, undefined for any valid key. */
  apiKey?: { scope?: string };
  /** The service's ADMIN_TOKEN is accepted. */
  adminToken: boolean;
  /** Schemes none of the matrix's callers can satisfy (Stripe's webhook signature). */
  foreign: string[];
}

/** What a parameter names: one of a tenant's things, which the matrix fills per target, or anything else. */
export type ParameterReference = 'tenant' | 'record' | 'apiKey' | 'invoice' | 'other';

export interface OperationParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  references: ParameterReference;
}

export interface Operation {
  service: string;
  method: string;
  /** The documented path template, `/v1/records/{id}`. */
  path: string;
  operationId: string;
  security: OperationSecurity;
  /** Every status the document lists for the operation. */
  documented: number[];
  /** What the document says each status means. */
  meanings: Record<number, string>;
  parameters: OperationParameter[];
  /** The JSON body's schema, when the operation takes one. */
  body?: JsonSchema;
  /** The document's component schemas, which `$ref`s in `body` and parameters point into. */
  components: Record<string, JsonSchema>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head']);

/** Tenant-bearing parameters by name (query selectors of analytics and audit) or by their documented meaning. */
function referenceOf(parameter: RawParameter): ParameterReference {
  const description = parameter.description ?? '';
  if (['tenant', 'tenantId', 'log'].includes(parameter.name) || /^Tenant id/i.test(description)) return 'tenant';
  if (/^Record id/i.test(description)) return 'record';
  if (/^API key id/i.test(description)) return 'apiKey';
  if (/^Stripe invoice id/i.test(description)) return 'invoice';
  return 'other';
}

export function securityOf(requirements: RawOperation['security']): OperationSecurity {
  const security: OperationSecurity = { open: (requirements ?? []).length === 0, adminToken: false, foreign: [] };
  for (const requirement of requirements ?? []) {
    for (const [scheme, scopes] of Object.entries(requirement)) {
      if (scheme === 'apiKey') security.apiKey = { scope: scopes[0] };
      else if (scheme === 'adminToken') security.adminToken = true;
      else security.foreign.push(scheme);
    }
  }
  return security;
}

export function operationsOf(service: string, document: OpenApiDocument): Operation[] {
  const components = document.components?.schemas ?? {};
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({
        service,
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method} ${path}`,
        security: securityOf(operation.security),
        documented: Object.keys(operation.responses ?? {})
          .map(Number)
          .filter(Number.isInteger)
          .sort((a, b) => a - b),
        meanings: Object.fromEntries(Object.entries(operation.responses ?? {}).map(([status, response]) => [Number(status), response.description ?? ''])),
        parameters: (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
          .map((parameter) => ({
            name: parameter.name,
            in: parameter.in as 'path' | 'query',
            required: parameter.in === 'path' || parameter.required === true,
            schema: parameter.schema ?? {},
            references: referenceOf(parameter),
          })),
        body: operation.requestBody?.content?.['application/json']?.schema,
        components,
      })),
  );
}

/** Reads a running service's document from where DocsModule serves it. */
export async function fetchOperations(service: string, baseUrl: string): Promise<Operation[]> {
  const response = await fetch(`${baseUrl}/docs/openapi.json`);
  if (response.status !== 200) throw new Error(`${service}: GET /docs/openapi.json answered ${response.status}`);
  return operationsOf(service, (await response.json()) as OpenApiDocument);
}

/** `core-store GET /v1/records/{id}`: how the matrix names an operation. */
export const operationName = (operation: Pick<Operation, 'service' | 'method' | 'path'>) => `${operation.service} ${operation.method} ${operation.path}`;

/** The API key scopes a document's key-issuing body allows (core-store's `CreateApiKeyRequest`). */
export function documentedScopes(operations: Operation[]): string[] {
  for (const operation of operations) {
    const request = operation.components.CreateApiKeyRequest as { properties?: { scopes?: { items?: { enum?: string[] } } } } | undefined;
    const scopes = request?.properties?.scopes?.items?.enum;
    if (scopes?.length) return scopes;
  }
  throw new Error('No document describes CreateApiKeyRequest.scopes');
}
