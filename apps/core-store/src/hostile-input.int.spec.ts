import {
  createApiKeyRequest,
  createTenantRequest,
  EVENT_EXAMPLES,
  errorResponse,
  parseContract,
  tenantConfigUpdate,
  updateTenantRequest,
  type EventType,
} from '@comply/contracts';
import { hostileString, hostileVariantOf, PROPERTY_SEED, until } from '@comply/testing';
import fc from 'fast-check';
import type { z } from 'zod';
import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from './testing/core-store-test-app';
import { mappingSubmission } from './testing/mapping-fixtures';

const CASES_PER_CONTRACT = 1_000;
const CASES_PER_PATH = 300;

/** Valid examples of every body and query the HTTP API takes, checked against their contracts below. */
const createTenantExample: z.input<typeof createTenantRequest> = { id: 'hostile-new', name: 'Hostile Inc.', plan: 'pro', retentionDays: 30 };
const updateTenantExample: z.input<typeof updateTenantRequest> = { name: 'Renamed', plan: 'free' };
const tenantConfigExample: z.input<typeof tenantConfigUpdate> = { retentionDays: 90, allowedDetectors: ['presidio'], defaultModelVersion: 'm-1', monthlyRecordQuota: 1_000_000 };
const createApiKeyExample: z.input<typeof createApiKeyRequest> = { name: 'ci', scopes: ['ingest', 'read'] };
const recordQueryExample = { detector: 'presidio', taxonomy: 'PII', modelVersion: 'mapper-2026.11', minConfidence: '0.1', maxConfidence: '0.9', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', limit: '10' };

/** A query string from any value: strings as given, anything else as its JSON text. */
function queryOf(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `?q=${percentEncoded(JSON.stringify(value) ?? '')}`;
  return `?${Object.entries(value)
    .map(([key, item]) => `${percentEncoded(key)}=${percentEncoded(typeof item === 'string' ? item : (JSON.stringify(item) ?? ''))}`)
    .join('&')}`;
}

/** Percent-encoding of the UTF-8 bytes, which (unlike encodeURIComponent) also takes unpaired surrogates. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Path segments as a client may send them, invalid UTF-8 included. */
const hostileSegment = fc.oneof(
  hostileString.map(percentEncoded),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%00', '%ED%A0%80', '..', '0197a2c4-5b1e-7c3d-9f10-2a4b6c8d0e1f', 'tenant-123'),
);

/**
 * Hostile input on every route of the HTTP API and every event core-store consumes, as the issue
 * list names it (NUL, unpaired surrogates, deep nesting, huge values, dates out of range, wrong
 * types, other tenants' ids): never a 5xx, never a retry.
 */
describe('core-store under hostile input', () => {
  let app: CoreStoreTestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true, env: { CONSUMER_MAX_ATTEMPTS: '2' } });
    tenant = await app.createTenant('tenant-123');
    await app.createTenant('admin-target');
    await app.createTenant('other-tenant');
  }, 60_000);

  afterAll(() => app?.close());

  const fastify = () => app.service.app.getHttpAdapter().getInstance();

  /** One request through Fastify's injector: the whole server pipeline, without a socket per case. */
  async function call(method: string, url: string, token: string, payload?: string) {
    const response = await fastify().inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      payload,
    });
    return { status: response.statusCode, body: response.body };
  }

  /** The property every answer must have: not a server error, and a 4xx in the API's error shape. */
  function expectClientOutcome(response: { status: number; body: string }, what: string): void {
    if (response.status >= 500) throw new Error(`${what} answered ${response.status}: ${response.body.slice(0, 500)}`);
    if (response.status >= 400) {
      const parsed = parseContract(errorResponse, JSON.parse(response.body));
      if (!parsed.ok) throw new Error(`${what} answered ${response.status} outside the error shape: ${response.body.slice(0, 500)}`);
    }
  }

  const bodyCases: Array<[string, string, string, unknown, () => string]> = [
    ['POST /v1/mappings (one)', 'POST', '/v1/mappings', mappingSubmission({ requestId: 'hostile-one' }), () => tenant.key],
    ['POST /v1/mappings (batch)', 'POST', '/v1/mappings', [mappingSubmission({ requestId: 'hostile-batch-a' }), mappingSubmission({ requestId: 'hostile-batch-b' })], () => tenant.key],
    ['POST /admin/tenants', 'POST', '/admin/tenants', createTenantExample, () => app.adminToken],
    ['PATCH /admin/tenants/:id', 'PATCH', '/admin/tenants/admin-target', updateTenantExample, () => app.adminToken],
    ['PATCH /admin/tenants/:id/config', 'PATCH', '/admin/tenants/admin-target/config', tenantConfigExample, () => app.adminToken],
    ['POST /admin/tenants/:id/api-keys', 'POST', '/admin/tenants/admin-target/api-keys', createApiKeyExample, () => app.adminToken],
  ];

  it.each(bodyCases)('%s: every hostile body gets a 2xx or a 4xx naming the problem', async (name, method, url, example, token) => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileVariantOf(example), async (body) => {
        const response = await call(method, url, token(), JSON.stringify(body));
        statuses.add(response.status);
        expectClientOutcome(response, name);
      }),
      { numRuns: CASES_PER_CONTRACT, seed: PROPERTY_SEED },
    );
    expect([...statuses].some((status) => status >= 200 && status < 300)).toBe(true);
    expect(statuses.has(400)).toBe(true);
  }, 180_000);

  const queryCases: Array<[string, string, unknown]> = [
    ['GET /v1/records', '/v1/records', recordQueryExample],
    ['GET /v1/taxonomy', '/v1/taxonomy', { under: 'PII' }],
    ['GET /v1/compliance-mappings', '/v1/compliance-mappings', { label: 'PII.Identifier.SSN', framework: 'GDPR' }],
  ];

  it.each(queryCases)('%s: every hostile query gets a 2xx or a 4xx', async (name, path, example) => {
    await fc.assert(
      fc.asyncProperty(hostileVariantOf(example), async (query) => expectClientOutcome(await call('GET', `${path}${queryOf(query)}`, tenant.key), name)),
      { numRuns: CASES_PER_CONTRACT, seed: PROPERTY_SEED },
    );
  }, 180_000);

  const pathCases: Array<[string, string, (segment: string) => string, () => string]> = [
    ['GET /v1/records/:id', 'GET', (id) => `/v1/records/${id}`, () => tenant.key],
    ['DELETE /v1/records/:id', 'DELETE', (id) => `/v1/records/${id}`, () => tenant.key],
    ['GET /admin/tenants/:id', 'GET', (id) => `/admin/tenants/${id}`, () => app.adminToken],
    ['GET /admin/tenants/:id/config', 'GET', (id) => `/admin/tenants/${id}/config`, () => app.adminToken],
    ['GET /admin/tenants/:id/api-keys', 'GET', (id) => `/admin/tenants/${id}/api-keys`, () => app.adminToken],
    ['DELETE /admin/tenants/:id/api-keys/:keyId', 'DELETE', (id) => `/admin/tenants/admin-target/api-keys/${id}`, () => app.adminToken],
    ['POST /admin/tenants/:id/data-keys/rotate', 'POST', (id) => `/admin/tenants/${id}/data-keys/rotate`, () => app.adminToken],
  ];

  it.each(pathCases)('%s: every hostile path segment gets a 2xx or a 4xx', async (name, method, url, token) => {
    await fc.assert(
      fc.asyncProperty(hostileSegment, async (segment) => expectClientOutcome(await call(method, url(segment), token()), name)),
      { numRuns: CASES_PER_PATH, seed: PROPERTY_SEED },
    );
  }, 120_000);

  it('answers the raw bodies a JSON serialiser cannot produce: 5,000 levels of nesting, escaped unpaired surrogates and NUL', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const submission = JSON.stringify(mappingSubmission({ requestId: 'raw-1' }));
    const raws = [
      submission.replace('"sourceData":{', `"sourceData":{"deep":${deep},`),
      submission.replace('"raw-1"', '"raw\\u0000-1"'),
      submission.replace('"raw-1"', '"raw\\ud800-1"'),
      submission.replace('"presidio"', '"\\udfff"'),
      `[${'['.repeat(5_000)}${']'.repeat(5_000)}]`,
      `{"__proto__":{"polluted":true},${submission.slice(1)}`,
    ];
    for (const raw of raws) {
      const response = await call('POST', '/v1/mappings', tenant.key, raw);
      expectClientOutcome(response, raw.slice(0, 60));
      expect(response.status).toBe(400);
    }
  });

  it.each<[string, string, string, () => string, string, string]>([
    ['NUL in requestId', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ requestId: 'a\u0000b' })), 'requestId'],
    ['NUL in detector.name', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ detector: { name: 'p\u0000', type: 'pii', version: '1' } })), 'detector.name'],
    ['NUL in a metadata key', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ metadata: { 'k\u0000': 'v' } })), 'metadata["k\\u0000"]'],
    ['NUL in a metadata value', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ metadata: { k: 'v\u0000' } })), 'metadata.k'],
    ['an unpaired surrogate in sourceData', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ sourceData: { text: '\uD800' } })), 'sourceData.text'],
    ['year 0000 in occurredAt', 'POST', '/v1/mappings', () => tenant.key, JSON.stringify(mappingSubmission({ occurredAt: '0000-01-01T00:00:00Z' })), 'occurredAt'],
    ['NUL in a tenant name', 'POST', '/admin/tenants', () => app.adminToken, JSON.stringify({ id: 'nul-name', name: 'Acme\u0000' }), 'name'],
    ['a quota beyond 32 bits', 'PATCH', '/admin/tenants/admin-target/config', () => app.adminToken, JSON.stringify({ monthlyRecordQuota: 2 ** 31 }), 'monthlyRecordQuota'],
  ])('answers 400 naming the field for %s (these answered 500 once)', async (_name, method, url, token, body, field) => {
    const response = await call(method, url, token(), body);
    expect(response.status).toBe(400);
    expect((JSON.parse(response.body) as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toContain(field);
  });

  it('answers 400 naming the parameter for NUL in a query parameter', async () => {
    const response = await call('GET', '/v1/records?detector=%00', tenant.key);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ issues: [{ path: 'detector' }] });
  });

  /** Sends hostile variants of an event as JSON text (so NUL and unpaired surrogates survive the wire) and waits until all are settled. */
  async function sendHostile(type: EventType, topic: string, cases: number, tenantProperty: boolean) {
    const bodies = fc.sample(hostileVariantOf(EVENT_EXAMPLES[type]), { numRuns: cases, seed: PROPERTY_SEED });
    const sender = app.client!.createSender(topic);
    let sent = 0;
    let batch = await sender.createMessageBatch();
    for (const [index, body] of bodies.entries()) {
      const tenantId = (body as { tenantId?: unknown } | null)?.tenantId;
      const message = {
        messageId: `${type}-${index}`,
        subject: type,
        body: Buffer.from(JSON.stringify(body)),
        contentType: 'application/json',
        applicationProperties: tenantProperty && typeof tenantId === 'string' && index % 3 !== 0 ? { tenantId: index % 7 === 0 ? 'other-tenant' : tenantId } : {},
      };
      if (batch.tryAddMessage(message)) {
        sent += 1;
        continue;
      }
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      // A variant too large for one message is refused by the client, not by core-store.
      if (batch.tryAddMessage(message)) sent += 1;
    }
    await sender.sendMessages(batch);
    await sender.close();
    return sent;
  }

  async function consumerCounts(subscription: string) {
    const metrics = await app.service.runtime.metrics.registry.getMetricsAsJSON();
    const total = (name: string, reason?: string) =>
      metrics
        .find((metric) => metric.name === name)
        ?.values.filter((value) => value.labels.subscription === subscription && (reason === undefined || value.labels.reason === reason))
        .reduce((sum, value) => sum + value.value, 0) ?? 0;
    return { completed: total('messaging_completed_total'), deadLettered: total('messaging_dead_lettered_total'), retried: total('messaging_retried_total') };
  }

  const allowedReasons = new Set(['ContractViolation', 'TenantMismatch', 'UnknownTenant', 'TenantNotActive', 'DetectorNotAllowed', 'QuotaExceeded']);

  it.each<[EventType, string, string]>([
    ['mapping.result.v1', 'mapping-events', 'mapping-events/core-store'],
    ['mapping.batch.v1', 'mapping-events', 'mapping-events/core-store'],
    ['billing.quota.changed.v1', 'billing-events', 'billing-events/core-store'],
    ['backup.completed.v1', 'backup-events', 'backup-events/core-store'],
    ['backup.failed.v1', 'backup-events', 'backup-events/core-store'],
  ])('%s: every hostile message is stored or dead-lettered with a reason of its own, never retried', async (type, topic, subscription) => {
    const before = await consumerCounts(subscription);
    const sent = await sendHostile(type, topic, CASES_PER_CONTRACT, true);
    const after = await until(
      () => consumerCounts(subscription),
      (counts) => counts.completed + counts.deadLettered - before.completed - before.deadLettered >= sent || counts.retried > before.retried,
      { timeoutMs: 120_000 },
    );
    expect(after.retried - before.retried).toBe(0);
    expect(after.completed + after.deadLettered - before.completed - before.deadLettered).toBe(sent);
    const [topicName, subscriptionName] = subscription.split('/');
    const dead = await app.drain(topicName, subscriptionName, { deadLetter: true, quietMs: 500 });
    const reasons = new Set(dead.map((message) => String(message.deadLetterReason)));
    expect([...reasons].filter((reason) => !allowedReasons.has(reason))).toEqual([]);
    expect(reasons.has('ContractViolation')).toBe(true);
  }, 180_000);
});
