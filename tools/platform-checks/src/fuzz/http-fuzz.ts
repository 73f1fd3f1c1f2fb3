import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { operationName, type Operation } from '../isolation/openapi-operations';
import type { TargetIds } from '../isolation/operation-targets';
import { problemOf, type FuzzAnswer } from './expected-answer';
import { REQUESTS_IN_FLIGHT } from './fuzz-settings';
import { malformedBodies, malformedParameters, oversizedBody, urlOf, validParameters, type MalformedRequest } from './malformed-requests';

/** One request of the fuzz and what it got. `index` orders an operation's cases as the seed generates them. */
export interface HttpExchange {
  operation: Operation;
  index: number;
  request: MalformedRequest;
  answer: FuzzAnswer;
  requestId?: string;
}

export interface HttpFuzzTarget {
  baseUrl: string;
  /** A's key with every scope, and the operators' token. */
  tenantKey: string;
  adminToken: string;
  /** A's things, which parameters naming a tenant's thing are filled with. */
  ids: TargetIds;
}

/** The operations the fuzzer covers: those that take a body or parameters. */
export const fuzzable = (operation: Operation) => operation.body !== undefined || operation.parameters.length > 0;

/** An operation's cases in the order the seed generates them: `cases` bodies, one body too large, `cases` parameter sets. */
export function casesOf(operation: Operation, ids: TargetIds, cases: number, seed: number): MalformedRequest[] {
  const valid = validParameters(operation, ids);
  const url = urlOf(operation, new Map([...valid].map(([parameter, text]) => [parameter, [encodeURIComponent(text)]])));
  const bodies = operation.body ? [...fc.sample(malformedBodies(operation, url), { numRuns: cases, seed }), oversizedBody(operation, url)] : [];
  const parameters = operation.parameters.length > 0 ? fc.sample(malformedParameters(operation, ids), { numRuns: cases, seed }) : [];
  return [...bodies, ...parameters];
}

export async function send(baseUrl: string, request: MalformedRequest, authorization: string | undefined): Promise<{ answer: FuzzAnswer; requestId?: string }> {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.kind === 'too-large') return sendUnread(`${baseUrl}${request.url}`, request, headers);
  try {
    const response = await fetch(`${baseUrl}${request.url}`, { method: request.method, headers, body: request.body && Uint8Array.from(request.body), signal: AbortSignal.timeout(60_000) });
    return { answer: { status: response.status, body: await response.text() }, requestId: response.headers.get('x-request-id') ?? undefined };
  } catch (error) {
    return { answer: { status: 0, body: `${(error as Error).message} ${String((error as Error).cause ?? '')}`.trim() } };
  }
}

/**
 * A body the server refuses by its length alone: it answers 413 from the Content-Length and closes
 * the connection, and a client still writing megabytes gets a reset that can swallow the answer
 * (fetch reports EPIPE). So this writes the first 64 KiB, waits for an early answer, and only
 * then sends the rest, as a careful client would.
 */
function sendUnread(url: string, request: MalformedRequest, headers: Record<string, string>): Promise<{ answer: FuzzAnswer; requestId?: string }> {
  const body = request.body ?? Buffer.alloc(0);
  return new Promise((resolve) => {
    let answered = false;
    const outgoing = httpRequest(url, { method: request.method, headers: { ...headers, 'content-length': String(body.length) }, timeout: 60_000 }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      const done = () => {
        resolve({ answer: { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }, requestId: response.headers['x-request-id'] as string | undefined });
        outgoing.destroy();
      };
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', done);
      response.on('error', done);
      response.on('close', done);
    });
    outgoing.on('error', (error) => {
      if (!answered) resolve({ answer: { status: 0, body: error.message } });
    });
    outgoing.write(body.subarray(0, 64 * 1024));
    setTimeout(() => {
      if (!answered) outgoing.end(body.subarray(64 * 1024));
    }, 3_000);
  });
}

/** Sends an operation's cases, a few at a time, and returns every exchange. */
export async function fuzzOperation(operation: Operation, requests: MalformedRequest[], target: HttpFuzzTarget, authorization: string | undefined): Promise<HttpExchange[]> {
  const exchanges: HttpExchange[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const { answer, requestId } = await send(target.baseUrl, requests[index], authorization);
      exchanges.push({ operation, index, request: requests[index], answer, requestId });
    }
  };
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, worker));
  return exchanges.sort((a, b) => a.index - b.index);
}

/** Each wrong answer, with what replays it: the operation, the case's index under the seed, the input and the answer. */
export function httpFindings(exchanges: HttpExchange[], outputOf: (service: string) => string): string[] {
  return exchanges.flatMap((exchange) => {
    const problem = problemOf(exchange.operation, exchange.request, exchange.answer);
    if (!problem) return [];
    const logs = exchange.answer.status >= 500 && exchange.requestId ? logLinesOf(outputOf(exchange.operation.service), exchange.requestId) : '';
    return [`${operationName(exchange.operation)} case #${exchange.index} (${exchange.request.kind}): ${problem}\n  sent ${describeRequest(exchange.request)}\n  got ${exchange.answer.status} ${preview(exchange.answer.body)}${logs}`];
  });
}

export function describeRequest(request: MalformedRequest): string {
  const body = request.body ? ` ${request.contentType} ${request.body.length} bytes ${preview(request.body.toString('latin1'))}` : '';
  return `${request.method} ${request.url}${body}`;
}

/** The start of a text with everything outside printable ASCII escaped, so a report shows the bytes sent. */
export function preview(text: string, length = 600): string {
  const shown = JSON.stringify(text.slice(0, length)).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > length ? `${shown}… (${text.length} chars)` : shown;
}

function logLinesOf(output: string, requestId: string): string {
  const lines = output.split('\n').filter((line) => line.includes(requestId));
  return lines.length ? `\n  log: ${lines.join('\n  log: ')}` : '';
}
