import type { Operation } from '../isolation/openapi-operations';
import type { MalformedRequest } from './malformed-requests';

/** What a service answered one malformed request. `status` 0: no answer at all (reset, timeout). */
export interface FuzzAnswer {
  status: number;
  body: string;
}

/**
 * Why an answer to a malformed request is wrong, or undefined when it is right. Right is a 4xx
 * that says what was wrong: 400 for a body or parameter that breaks the contract (with `issues`
 * naming the field, where the body reached validation), 404/409/422 where the document lists
 * them, 413 past the body limit, 415 for a media type no route reads (400 for one the services
 * parse anyway). Never a 2xx for a malformed
 * input, never a refused credential (the fuzzer's are valid), never a 5xx.
 */
export function problemOf(operation: Operation, request: MalformedRequest, answer: FuzzAnswer): string | undefined {
  const { status } = answer;
  if (status === 0) return `no answer: ${answer.body}`;
  if (status >= 500) return `answered ${status}`;
  if (status < 400) {
    const harmlessRead = request.parameter && request.parameter.malformed !== 'yes' && (request.method === 'GET' || request.method === 'HEAD');
    return harmlessRead ? undefined : `accepted a malformed ${request.kind === 'parameter' ? `parameter (${request.parameter?.name})` : 'body'} with ${status}`;
  }
  if (status === 401 || status === 403) return `refused a valid credential with ${status}`;
  const allowed = allowedStatuses(operation, request);
  if (!allowed.includes(status)) return `answered ${status}, expected ${allowed.join(' or ')}`;
  if (status === 400 && namesTheField(operation, request) && !issuesOf(answer.body).length) return 'answered 400 without `issues` naming the field';
  return undefined;
}

/** Media types the services parse although no route documents them: the body then reaches the contract, which refuses it. */
const PARSED_MEDIA_TYPES = ['text/plain', 'application/x-www-form-urlencoded'];

/** Statuses the document lists that a malformed input may also get (the thing it names is gone, or in the way). */
const DOCUMENTED_REFUSALS = [404, 409, 422];

export function allowedStatuses(operation: Operation, request: MalformedRequest): number[] {
  if (request.kind === 'too-large') return [413];
  if (request.kind === 'media-type') return PARSED_MEDIA_TYPES.includes(request.contentType ?? '') ? [400, 415] : [415];
  // Stripe's webhook checks the signature before anything else: every unsigned body is a 400.
  if (operation.security.foreign.length > 0) return [400];
  const documented = DOCUMENTED_REFUSALS.filter((status) => operation.documented.includes(status));
  // 414 and 431: Node refuses a request line or headers past its limit before any route sees them.
  if (request.kind === 'parameter') return [400, 404, 414, 431, ...documented.filter((status) => status !== 404)];
  if (request.kind === 'contract') return [400, ...documented];
  return [400];
}

/**
 * A body that parsed as JSON reaches the contract, whose refusal names each invalid field. Fastify's
 * parser refuses a `__proto__` or `constructor` key itself (secure-json-parse), before any contract.
 */
function namesTheField(operation: Operation, request: MalformedRequest): boolean {
  const prototypeKey = /"(__proto__|constructor)"\s*:/.test(request.body?.toString('utf8') ?? '');
  return operation.security.foreign.length === 0 && (request.kind === 'contract' || request.kind === 'deep-nesting') && !prototypeKey;
}

function issuesOf(body: string): unknown[] {
  try {
    const parsed = JSON.parse(body) as { issues?: unknown };
    return Array.isArray(parsed.issues) ? parsed.issues : [];
  } catch {
    return [];
  }
}
