import { HOSTILE_STRINGS, hostileString, hostileVariantOf } from '@comply/testing';
import fc from 'fast-check';
import type { Operation, OperationParameter } from '../isolation/openapi-operations';
import type { TargetIds } from '../isolation/operation-targets';
import { schemaExample } from '../isolation/schema-example';
import { malformedFor, type MalformedCheck } from './documented-schema';
import { bodyLimitOf } from './fuzz-settings';
import { insideFirstString, INVALID_UTF8 } from './raw-bytes';

/**
 * What the fuzzer sends to one operation: bodies built from the smallest valid body the document
 * describes (its hostile variants, as libs/testing makes them, kept only when malformed), bytes
 * no JSON value can express (truncated text, invalid UTF-8, nesting far deeper than any contract
 * allows), the right body under a wrong media type, one body over the size limit, and hostile
 * path and query parameters beside an otherwise valid request.
 */
export type MalformedKind = 'contract' | 'not-json' | 'invalid-utf8' | 'media-type' | 'deep-nesting' | 'too-large' | 'parameter';

export type ParameterJudgement = 'yes' | 'no' | 'undecoded';

export interface MalformedRequest {
  kind: MalformedKind;
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  contentType?: string;
  body?: Buffer;
  /**
   * For a parameter case: the parameter replaced, and whether its value is malformed for its
   * schema (`undecoded`: bytes that are no UTF-8, which no schema judges).
   */
  parameter?: { name: string; malformed: ParameterJudgement };
}

/** The media types no route parses as JSON; text/plain has Fastify's own parser, so the body arrives as a string. */
export const FOREIGN_MEDIA_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=fuzz', 'application/octet-stream', 'image/png'];

const NOT_JSON = ['', '{', '{"a":}', '[1,]', "{'a':1}", 'undefined', 'NaN', '{"a":1}}', '\u0000', '{"a":"\\u12"}', '{"a":1,"a"'];

/** Parameter values as raw query or path text: out of range, far-off dates, wrong types, NUL, invalid UTF-8. */
const RAW_PARAMETER_TEXT = [
  '99999999999999999999',
  '-1',
  '2147483648',
  '1e309',
  '-0',
  '0x10',
  'NaN',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '9999-12-31T23:59:60Z',
  '2025-02-30',
  'true',
  '[]',
  '{}',
];

/** Percent-encoding of the UTF-8 bytes, which (unlike encodeURIComponent) also takes unpaired surrogates. */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

const percentBytes = (bytes: Uint8Array) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

/** The credential the fuzzer calls with: A's key where the operation takes one, else the admin token. */
export function authorizationFor(operation: Operation, tenantKey: string, adminToken: string): string | undefined {
  if (operation.security.apiKey) return `Bearer ${tenantKey}`;
  if (operation.security.adminToken) return `Bearer ${adminToken}`;
  return undefined;
}

/** Each parameter's valid value: A's ids for those that name a tenant's thing, the schema's smallest value for other required ones. */
export function validParameters(operation: Operation, ids: TargetIds): Map<OperationParameter, string> {
  const values = new Map<OperationParameter, string>();
  let tenantQueryFilled = false;
  for (const parameter of operation.parameters) {
    if (parameter.references !== 'other' && (parameter.in === 'path' || !tenantQueryFilled)) {
      values.set(parameter, ids[parameter.references]);
      if (parameter.in === 'query') tenantQueryFilled = true;
    } else if (parameter.required) {
      values.set(parameter, String(schemaExample(parameter.schema, operation.components, parameter.name)));
    }
  }
  return values;
}

/** The request line with every value percent-encoded already (`encoded`), so raw bytes pass as they are. */
export function urlOf(operation: Operation, encoded: Map<OperationParameter, string[]>): string {
  let path = operation.path;
  const query: string[] = [];
  for (const [parameter, values] of encoded) {
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, values[0]);
    else for (const value of values) query.push(`${encodeURIComponent(parameter.name)}=${value}`);
  }
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** `json` with its first property's value (or the whole of it, when it has none) replaced by the JSON text `nested`. */
function withValue(json: string, nested: string): string {
  const example = JSON.parse(json) as unknown;
  if (!example || typeof example !== 'object' || Array.isArray(example) || Object.keys(example).length === 0) return nested;
  const token = '__fuzz_value__';
  const [first] = Object.keys(example);
  return JSON.stringify({ ...example, [first]: token }).replace(JSON.stringify(token), () => nested);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function bodyExampleOf(operation: Operation): unknown {
  return operation.body ? schemaExample(operation.body, operation.components) : undefined;
}

/** Malformed bodies for an operation that takes one, sent to the request line its valid parameters make. */
export function malformedBodies(operation: Operation, url: string): fc.Arbitrary<MalformedRequest> {
  const example = bodyExampleOf(operation);
  const json = JSON.stringify(example) ?? '{}';
  const malformed: MalformedCheck = malformedFor(operation.body ?? {}, operation.components);
  const request = (kind: MalformedKind, body: Buffer, contentType = 'application/json'): MalformedRequest => ({ kind, method: operation.method, url, contentType, body });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: hostileVariantOf(example)
        .filter(malformed)
        .map((variant) => request('contract', Buffer.from(JSON.stringify(variant) ?? 'null'))),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(...NOT_JSON),
        fc.integer({ min: 1, max: Math.max(1, json.length - 1) }).map((end) => json.slice(0, end)),
        fc.tuple(fc.constantFrom(...NOT_JSON.filter(Boolean)), fc.constantFrom(' ', ',', '"')).map(([garbage, glue]) => json + glue + garbage),
      )
        .filter((text) => !isJson(text))
        .map((text) => request('not-json', Buffer.from(text))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8).map((bytes) => request('invalid-utf8', insideFirstString(json, bytes))) },
    { weight: 1, arbitrary: fc.constantFrom(...FOREIGN_MEDIA_TYPES).map((type) => request('media-type', Buffer.from(json), type)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 40, max: 20_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
        .map(([depth, [open, close]]) => request('deep-nesting', Buffer.from(withValue(json, `${open.repeat(depth)}1${close.repeat(depth)}`)))),
    },
  );
}

/** One body past the service's limit: the example with a string that makes it half as large again. */
export function oversizedBody(operation: Operation, url: string): MalformedRequest {
  const json = JSON.stringify(bodyExampleOf(operation)) ?? '{}';
  return {
    kind: 'too-large',
    method: operation.method,
    url,
    contentType: 'application/json',
    body: Buffer.from(withValue(json, JSON.stringify('x'.repeat(bodyLimitOf(operation.service) * 1.5)))),
  };
}

/** Valid parameters but one, replaced by hostile text or given twice; the body, if any, the valid example. */
export function malformedParameters(operation: Operation, ids: TargetIds): fc.Arbitrary<MalformedRequest> {
  const valid = validParameters(operation, ids);
  const example = bodyExampleOf(operation);
  const body = example === undefined ? {} : { contentType: 'application/json', body: Buffer.from(JSON.stringify(example)) };
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileString.map(asSent) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_PARAMETER_TEXT, ...HOSTILE_STRINGS.filter((text) => text.length < 100)).map(asSent) },
    // Bytes that are no UTF-8 at all: how the server decodes them is its own affair, so they are only held to "never a 5xx".
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => ({ encoded: percentBytes(bytes), decoded: undefined as string | undefined })) },
  );
  const safe = operation.method === 'GET' || operation.method === 'HEAD';
  return fc
    .tuple(fc.constantFrom(...operation.parameters), value, fc.boolean())
    .map(([parameter, hostile, twice]) => {
      const encoded = new Map<OperationParameter, string[]>([...valid].map(([p, text]) => [p, [encodeURIComponent(text)]]));
      const validValue = valid.get(parameter);
      const repeated = twice && parameter.in === 'query' && validValue !== undefined;
      encoded.set(parameter, repeated ? [encodeURIComponent(validValue), hostile.encoded] : [hostile.encoded]);
      const malformed: ParameterJudgement = hostile.decoded === undefined ? 'undecoded' : !repeated && parameterMalformed(parameter, operation, hostile.decoded) ? 'yes' : 'no';
      return { kind: 'parameter' as const, method: operation.method, url: urlOf(operation, encoded), ...body, parameter: { name: parameter.name, malformed } };
    })
    // A write is sent only what its schema refuses (or undecodable bytes), so that any 2xx it answers is a finding.
    .filter((request) => safe || request.parameter.malformed !== 'no');
}

/** Text as a URL carries it: its UTF-8 bytes, in which an unpaired surrogate has become U+FFFD. */
function asSent(text: string): { encoded: string; decoded: string | undefined } {
  return { encoded: percentEncoded(text), decoded: Buffer.from(text, 'utf8').toString('utf8') };
}

/** A parameter's text is malformed when no reading of it (as itself, or as the number it spells) fits its schema. */
function parameterMalformed(parameter: OperationParameter, operation: Operation, text: string): boolean {
  const malformed = malformedFor(parameter.schema, operation.components);
  const number = text.trim() === '' ? NaN : Number(text);
  const boolean = text === 'true' ? true : text === 'false' ? false : undefined;
  return [text, ...(Number.isFinite(number) ? [number] : []), ...(boolean === undefined ? [] : [boolean])].every(malformed);
}
