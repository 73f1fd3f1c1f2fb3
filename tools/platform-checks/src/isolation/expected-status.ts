import { CallerKind, tenantOf } from './caller-kinds';
import type { Operation } from './openapi-operations';
import type { Target } from './operation-targets';

/** The statuses a caller may get from an operation, and the rule (from the document or the guards) that says so. */
export interface Expectation {
  statuses: number[];
  rule: string;
}

const REFUSALS = new Set([401, 403]);

/**
 * The documented answer for one caller and target, from the operation's security requirements and
 * responses, and, where the document is silent, from the guards of libs/tenant-directory (see this
 * project's README): credentials are checked before anything else, then the scope, then the body.
 */
export function expectedStatus(operation: Operation, caller: CallerKind, target: Target): Expectation {
  const { security, documented } = operation;
  if (security.open) return { statuses: documented.filter((status) => status < 400), rule: 'public route: answers everyone' };
  if (!security.apiKey && !security.adminToken) {
    return { statuses: [400], rule: `needs ${security.foreign.join(', ')}, which no caller holds: refused as a bad request` };
  }
  switch (caller) {
    case 'no-key':
    case 'malformed-key':
    case 'revoked-key':
      return { statuses: [401], rule: 'no valid credential: 401 with WWW-Authenticate: Bearer' };
    case 'admin-token':
      return security.adminToken ? accepted(operation, caller, target) : { statuses: [401], rule: 'the admin token is not an API key' };
    default:
      break;
  }
  if (!security.apiKey) {
    return documented.includes(403)
      ? { statuses: [403], rule: 'operators only: a tenant key is authenticated, then refused' }
      : { statuses: [401], rule: 'admin token only: a tenant key is a wrong admin token' };
  }
  if (caller === 'suspended-tenant') return { statuses: [403], rule: 'the key\'s tenant is suspended' };
  if (caller === 'wrong-scope' && security.apiKey.scope) return { statuses: [403], rule: `the key lacks the "${security.apiKey.scope}" scope` };
  return accepted(operation, caller, target);
}

/** A caller the route lets in: what it names decides the answer. */
function accepted(operation: Operation, caller: CallerKind, target: Target): Expectation {
  const tenant = tenantOf(caller);
  if (target === 'unknown' && (tenant || namesInPath(operation) || /\badmin\b/i.test(operation.meanings[404] ?? ''))) {
    return { statuses: [404], rule: 'an id that exists nowhere: 404' };
  }
  if (tenant && (target === 'A' || target === 'B') && target !== tenant) {
    return { statuses: [404], rule: "another tenant's id: 404, the same answer as an unknown one" };
  }
  return {
    statuses: operation.documented.filter((status) => !REFUSALS.has(status) && status < 500),
    rule: 'let in: any documented answer but a refusal or a failure',
  };
}

/**
 * Whether the operation names a tenant's thing in its path (a resource, which either exists or is a
 * 404) rather than with an optional query selector, where the operator's report on a tenant nobody
 * has heard of is an empty one unless the document's 404 says otherwise for the admin.
 */
const namesInPath = (operation: Operation) => operation.parameters.some((parameter) => parameter.in === 'path' && parameter.references !== 'other');
