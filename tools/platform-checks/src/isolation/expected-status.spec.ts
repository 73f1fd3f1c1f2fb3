import { CALLER_KINDS, CallerKind } from './caller-kinds';
import { expectedStatus } from './expected-status';
import { Operation, operationsOf } from './openapi-operations';
import { targetsOf } from './operation-targets';

const errors = { 401: {}, 403: {}, 404: {}, 500: {}, 503: {} };

/** A document in the shape the services serve: a tenant route, a shared read route, an operator route, a public one, a webhook. */
const operations = operationsOf('example', {
  paths: {
    '/v1/records/{id}': {
      get: {
        operationId: 'getRecord',
        security: [{ apiKey: ['read'] }],
        parameters: [{ name: 'id', in: 'path', required: true, description: 'Record id.', schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: {}, ...errors },
      },
    },
    '/v1/reports': {
      get: {
        operationId: 'report',
        security: [{ apiKey: ['read'] }, { adminToken: [] }],
        parameters: [{ name: 'tenant', in: 'query', schema: { type: 'string' } }],
        responses: { 200: {}, 400: {}, ...errors, 404: { description: 'Another tenant, or (admin) a tenant nobody has written to.' } },
      },
    },
    '/admin/tenants/{id}': {
      get: {
        operationId: 'getTenant',
        security: [{ adminToken: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, description: 'Tenant id.', schema: { type: 'string' } }],
        responses: { 200: {}, 401: {}, 404: {}, 500: {} },
      },
    },
    '/v1/backups': { get: { operationId: 'listBackups', security: [{ adminToken: [] }], responses: { 200: {}, 401: {}, 403: {}, 500: {} } } },
    '/v1/summary': {
      get: {
        operationId: 'summary',
        security: [{ apiKey: ['read'] }, { adminToken: [] }],
        parameters: [{ name: 'tenant', in: 'query', schema: { type: 'string' } }],
        responses: { 200: {}, ...errors, 404: { description: 'A tenant key named another tenant.' } },
      },
    },
    '/v1/whoami': { get: { operationId: 'whoami', security: [{ apiKey: [] }], responses: { 200: {}, 401: {}, 403: {} } } },
    '/health/live': { get: { operationId: 'liveness', security: [], responses: { 200: {}, 500: {} } } },
    '/webhooks/stripe': { post: { operationId: 'stripe', security: [{ stripeSignature: [] }], responses: { 200: {}, 400: {}, 500: {} } } },
  },
});

const named = (operationId: string): Operation => operations.find((operation) => operation.operationId === operationId)!;

/** The expected statuses of every caller on one target, as `caller: statuses`. */
function statusesOf(operationId: string, target: Parameters<typeof expectedStatus>[2]): Record<CallerKind, string> {
  return Object.fromEntries(CALLER_KINDS.map((caller) => [caller, expectedStatus(named(operationId), caller, target).statuses.join('|')])) as Record<
    CallerKind,
    string
  >;
}

describe('expectedStatus', () => {
  it("refuses credentials first, then the scope, and answers another tenant's record like an unknown one", () => {
    expect(targetsOf(named('getRecord'))).toEqual(['A', 'B', 'unknown']);
    expect(statusesOf('getRecord', 'A')).toEqual({
      'no-key': '401',
      'malformed-key': '401',
      'revoked-key': '401',
      'suspended-tenant': '403',
      'wrong-scope': '403',
      'tenant-key': '200|404',
      'admin-token': '401',
      'owner-key': '404',
    });
    expect(statusesOf('getRecord', 'B')['tenant-key']).toBe('404');
    expect(statusesOf('getRecord', 'B')['owner-key']).toBe('200|404');
    expect(statusesOf('getRecord', 'unknown')['tenant-key']).toBe('404');
  });

  it('lets the operator name any tenant on shared read routes, and a tenant only its own', () => {
    expect(targetsOf(named('report'))).toEqual(['unnamed', 'A', 'B', 'unknown']);
    expect(statusesOf('report', 'B')).toMatchObject({ 'tenant-key': '404', 'admin-token': '200|400|404', 'wrong-scope': '403' });
    expect(statusesOf('report', 'unnamed')).toMatchObject({ 'tenant-key': '200|400|404', 'admin-token': '200|400|404' });
    expect(statusesOf('report', 'unknown')['admin-token']).toBe('404');
    // Where the 404 is documented for tenant keys only, the operator's report on an unheard-of tenant is an empty one.
    expect(statusesOf('summary', 'unknown')).toMatchObject({ 'tenant-key': '404', 'admin-token': '200|404' });
  });

  it('answers a tenant key on an operator route 401, or 403 where the route documents that it authenticates the key first', () => {
    expect(statusesOf('getTenant', 'A')).toMatchObject({ 'tenant-key': '401', 'suspended-tenant': '401', 'wrong-scope': '401', 'admin-token': '200|404' });
    expect(statusesOf('listBackups', 'none')).toMatchObject({ 'tenant-key': '403', 'suspended-tenant': '403', 'no-key': '401', 'admin-token': '200' });
  });

  it('accepts any valid key where no scope is required, answers everyone on public routes and nobody without a signature', () => {
    expect(statusesOf('whoami', 'none')).toMatchObject({ 'wrong-scope': '200', 'suspended-tenant': '403', 'admin-token': '401' });
    expect(new Set(Object.values(statusesOf('liveness', 'none')))).toEqual(new Set(['200']));
    expect(new Set(Object.values(statusesOf('stripe', 'none')))).toEqual(new Set(['400']));
  });
});
