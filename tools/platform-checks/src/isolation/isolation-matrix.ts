import { authorizationFor, CALLER_DESCRIPTIONS, CALLER_KINDS, type CallerKeys, type CallerKind } from './caller-kinds';
import { expectedStatus, type Expectation } from './expected-status';
import { Operation, operationName } from './openapi-operations';
import { fillRequest, Target, TargetIdentifiers, targetsOf } from './operation-targets';
import { schemaExample } from './schema-example';
import { leakedMarkers, sameAnswerAsUnknown } from './tenant-leak-scan';

/** One cell of the matrix: an operation called by one kind of caller naming one target. */
export interface PlannedCall {
  operation: Operation;
  caller: CallerKind;
  target: Target;
}

export interface Exchange extends PlannedCall {
  url: string;
  identifiers: string[];
  expected: Expectation;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A body no contract accepts: sent by callers that must be refused, to show credentials are checked before the body. */
export const INVALID_BODY = { isolationMatrix: 'not a field of any contract' };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Reads run before writes, deletions after them, and erasure last, so that no call removes what a
 * later one names: A's record is read before A's key deletes it, A is erased only at the very end.
 */
function phaseOf(operation: Operation): number {
  if (/erase/i.test(operation.operationId)) return 3;
  if (SAFE_METHODS.has(operation.method)) return 0;
  return operation.method === 'DELETE' ? 2 : 1;
}

/**
 * Every caller on every target, except: the operator changes only A (B stays as B left it, which
 * the spec checks afterwards) and B's own key only reads B's things, to show they exist.
 */
export function planOf(operations: Operation[]): PlannedCall[] {
  const ordered = operations.map((operation, index) => ({ operation, index })).sort((a, b) => phaseOf(a.operation) - phaseOf(b.operation) || a.index - b.index);
  return ordered.flatMap(({ operation }) =>
    CALLER_KINDS.flatMap((caller) =>
      targetsOf(operation)
        .filter((target) => {
          if (caller === 'owner-key') return SAFE_METHODS.has(operation.method) && target === 'B';
          if (caller === 'admin-token' && target === 'B') return SAFE_METHODS.has(operation.method);
          return true;
        })
        .map((target) => ({ operation, caller, target })),
    ),
  );
}

export interface MatrixContext {
  urls: Record<string, string>;
  keys: CallerKeys;
  ids: TargetIdentifiers;
}

const onlyRefusals = (expected: Expectation) => expected.statuses.length > 0 && expected.statuses.every((status) => status === 401 || status === 403);

export async function callOnce(call: PlannedCall, context: MatrixContext): Promise<Exchange> {
  const { operation, caller, target } = call;
  const expected = expectedStatus(operation, caller, target);
  const { url, identifiers } = fillRequest(operation, target, context.ids);
  const authorization = authorizationFor(caller, operation, context.keys);
  const body = operation.body ? (onlyRefusals(expected) ? INVALID_BODY : schemaExample(operation.body, operation.components)) : undefined;
  const response = await fetch(`${context.urls[operation.service]}${url}`, {
    method: operation.method,
    redirect: 'manual',
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { ...call, url, identifiers, expected, status: response.status, headers, body: await response.text() };
}

/** One call at a time, in plan order: the order is part of the plan (see phaseOf). */
export async function runMatrix(plan: PlannedCall[], context: MatrixContext): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  for (const call of plan) exchanges.push(await callOnce(call, context));
  return exchanges;
}

/** `core-store GET /v1/records/{id} · tenant-key · B`: how a finding names its cell. */
export const cellName = (call: PlannedCall) => `${operationName(call.operation)} · ${call.caller} · ${call.target}`;

const excerpt = (body: string) => (body.length > 300 ? `${body.slice(0, 300)}…` : body);

/** Answers outside what the document (or the guard, where it is silent) allows. */
export function wrongStatuses(exchanges: Exchange[]): string[] {
  return exchanges
    .filter((exchange) => exchange.status < 500 && !exchange.expected.statuses.includes(exchange.status))
    .map((e) => `${cellName(e)}: ${e.status}, expected ${e.expected.statuses.join('|')} (${e.expected.rule}) — ${e.url} — ${excerpt(e.body)}`);
}

/** 401s without the challenge every refusal of a credential carries. */
export function challengesMissing(exchanges: Exchange[]): string[] {
  return exchanges
    .filter((exchange) => exchange.status === 401 && exchange.headers['www-authenticate'] !== 'Bearer')
    .map((exchange) => `${cellName(exchange)}: 401 with WWW-Authenticate ${JSON.stringify(exchange.headers['www-authenticate'])}`);
}

/** 5xx answers, each with the service's log lines that carry its request id (a 500's body has nothing else). */
export function failures(exchanges: Exchange[], outputOf: (service: string) => string): string[] {
  return exchanges
    .filter((exchange) => exchange.status >= 500)
    .map((e) => {
      const requestId = /"requestId":"([^"]+)"/.exec(e.body)?.[1];
      const logged = requestId ? outputOf(e.operation.service).split('\n').filter((line) => line.includes(requestId)) : [];
      return [`${cellName(e)}: ${e.status} — ${e.url} — ${excerpt(e.body)}`, ...logged.map(excerpt)].join('\n  ');
    });
}

/** Callers that may see B's things: B itself and the operator. */
const MAY_SEE_B = new Set<CallerKind>(['owner-key', 'admin-token']);

export function leaks(exchanges: Exchange[], markersOfB: Record<string, string>): string[] {
  return exchanges
    .filter((exchange) => !MAY_SEE_B.has(exchange.caller))
    .flatMap((exchange) => {
      const found = leakedMarkers(exchange, markersOfB, exchange.identifiers);
      return found.length ? [`${cellName(exchange)}: ${exchange.status} carries ${found.join(', ')} — ${excerpt(exchange.body)}`] : [];
    });
}

/** For every operation and caller that named both B's things and unknown ones: the two answers, unless identical. */
export function distinguishable(exchanges: Exchange[]): string[] {
  const byCell = new Map(exchanges.map((exchange) => [cellName(exchange), exchange]));
  return exchanges
    .filter((exchange) => exchange.target === 'B' && !MAY_SEE_B.has(exchange.caller))
    .flatMap((other) => {
      const unknown = byCell.get(cellName({ ...other, target: 'unknown' }));
      if (!unknown || sameAnswerAsUnknown(other, unknown)) return [];
      return [`${cellName(other)}: ${other.status} ${excerpt(other.body)} — but for an unknown id: ${unknown.status} ${excerpt(unknown.body)}`];
    });
}

const TARGET_LABELS: Record<Target, string> = { none: '', unnamed: '–', A: 'A', B: 'B', unknown: '?' };

/** The matrix as Markdown: an operation a row, a caller kind a column, each cell its statuses per target. */
export function renderMatrix(exchanges: Exchange[], operations: Operation[]): string {
  const cell = (operation: Operation, caller: CallerKind) =>
    exchanges
      .filter((exchange) => exchange.operation === operation && exchange.caller === caller)
      .map((e) => {
        const mark = e.status >= 500 || !e.expected.statuses.includes(e.status) ? ' ✗' : '';
        return `${TARGET_LABELS[e.target]} ${e.status}${mark}`.trim();
      })
      .join(' · ');
  const lines = [
    '# Isolation matrix',
    '',
    `${operations.length} operations × ${CALLER_KINDS.length} caller kinds, ${exchanges.length} requests. ` +
      "Targets: A = tenant A's ids (the callers' own tenant), B = tenant B's, ? = ids that exist nowhere, – = the optional tenant parameter left out. ✗ = not the documented status.",
    '',
    ...CALLER_KINDS.map((caller) => `- **${caller}**: ${CALLER_DESCRIPTIONS[caller]}`),
    '',
    `| operation | ${CALLER_KINDS.join(' | ')} |`,
    `|---|${CALLER_KINDS.map(() => '---').join('|')}|`,
    ...operations.map((operation) => `| ${operationName(operation)} | ${CALLER_KINDS.map((caller) => cell(operation, caller)).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}
