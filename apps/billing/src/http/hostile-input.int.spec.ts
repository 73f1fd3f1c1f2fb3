import {
  createEngagementRequest,
  createPlanRequest,
  createPromotionRequest,
  createSlaCommitmentRequest,
  createTrainingSessionRequest,
  errorResponse,
  parseContract,
  promotionRefusal,
  recordSlaMeasurementRequest,
  updateEngagementRequest,
  updatePlanRequest,
  updatePromotionRequest,
  updateSlaCommitmentRequest,
  updateTrainingSessionRequest,
} from '@comply/contracts';
import { hostileString, hostileVariantOf, PROPERTY_SEED } from '@comply/testing';
import fc from 'fast-check';
import type { z } from 'zod';
import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

const CASES_PER_CONTRACT = 300;
const CASES_PER_PATH = 100;

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

/** Path segments as a client may send them, invalid UTF-8 and other tenants' ids included. */
const hostileSegment = fc.oneof(
  hostileString.map(percentEncoded),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%00', '%ED%A0%80', '..', '0197a2c4-5b1e-7c3d-9f10-2a4b6c8d0e1f', 'hostile-other', 'in_1', 'PRO', 'free'),
);

/**
 * Hostile input on every route of billing's HTTP API but the Stripe webhook (whose body is
 * authenticated by its signature first): NUL, unpaired surrogates, deep nesting, huge values,
 * dates out of range, wrong types, unknown keys, other tenants' ids. Never a 5xx; every 4xx in
 * the API's error shape.
 */
describe('billing under hostile input (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('hostile-tenant', ['read', 'admin']);
    await app.createTenant('hostile-other', ['read']);
    await app.admin('POST', '/admin/promotions', { code: 'HOSTILE', percentOff: 10 });
    ids.engagement = (await app.admin('POST', '/admin/tenants/hostile-tenant/engagements', { scope: 'x', priceMinor: 1, currency: 'usd' })).body.id;
    ids.session = (await app.admin('POST', '/admin/tenants/hostile-tenant/training-sessions', { topic: 'x', scheduledAt: '2027-01-01T00:00:00Z', durationMinutes: 60, priceMinor: 1, currency: 'usd' })).body.id;
    ids.commitment = (await app.admin('POST', '/admin/tenants/hostile-tenant/sla-commitments', { metric: 'availability_percent', target: 99.9, comparison: 'at_least', creditPercent: 10 })).body.id;
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
      const body: unknown = JSON.parse(response.body);
      if (!parseContract(errorResponse, body).ok && !parseContract(promotionRefusal, body).ok) {
        throw new Error(`${what} answered ${response.status} outside the error shape: ${response.body.slice(0, 500)}`);
      }
    }
  }

  const examples = {
    createPlan: { code: 'hostile-plan', name: 'Hostile', stripePriceId: 'price_hostile', priceMinor: 100, currency: 'usd', includedRecords: 10, overagePriceMinorPer1000: 5, features: { apiKeysMax: 3 } } satisfies z.input<typeof createPlanRequest>,
    updatePlan: { name: 'Starter', priceMinor: 4900, includedRecords: 50000, features: { apiKeysMax: 10 } } satisfies z.input<typeof updatePlanRequest>,
    createPromotion: { code: 'H1', description: 'x', amountOffMinor: 100, currency: 'usd', validFrom: '2026-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z', maxRedemptions: 3 } satisfies z.input<typeof createPromotionRequest>,
    updatePromotion: { description: 'y', validUntil: '2031-01-01T00:00:00Z', maxRedemptions: 50, active: true } satisfies z.input<typeof updatePromotionRequest>,
    createEngagement: { scope: 'Onboarding', priceMinor: 1000, currency: 'usd', startsAt: '2027-01-01T00:00:00Z', endsAt: '2027-02-01T00:00:00Z' } satisfies z.input<typeof createEngagementRequest>,
    updateEngagement: { scope: 'More', priceMinor: 2000, startsAt: '2027-01-02T00:00:00Z' } satisfies z.input<typeof updateEngagementRequest>,
    createSession: { topic: 'Dashboards', scheduledAt: '2027-01-01T10:00:00Z', durationMinutes: 60, attendees: 5, priceMinor: 100, currency: 'eur' } satisfies z.input<typeof createTrainingSessionRequest>,
    updateSession: { topic: 'Dashboards 2', attendees: 6, durationMinutes: 90 } satisfies z.input<typeof updateTrainingSessionRequest>,
    createCommitment: { metric: 'availability_percent', target: 99.9, comparison: 'at_least', creditPercent: 10 } satisfies z.input<typeof createSlaCommitmentRequest>,
    updateCommitment: { target: 99.5, creditPercent: 20, active: true } satisfies z.input<typeof updateSlaCommitmentRequest>,
  };

  const bodyCases: Array<[string, string, () => string, unknown]> = [
    ['POST /v1/billing/promotions/validate', 'POST', () => '/v1/billing/promotions/validate', { code: 'HOSTILE' }],
    ['POST /v1/billing/promotions/redeem', 'POST', () => '/v1/billing/promotions/redeem', { code: 'HOSTILE' }],
    ['POST /admin/plans', 'POST', () => '/admin/plans', examples.createPlan],
    ['PATCH /admin/plans/:code', 'PATCH', () => '/admin/plans/starter', examples.updatePlan],
    ['PUT /admin/tenants/:tenantId/plan-override', 'PUT', () => '/admin/tenants/hostile-tenant/plan-override', { planCode: 'pro' }],
    ['POST /admin/promotions', 'POST', () => '/admin/promotions', examples.createPromotion],
    ['PATCH /admin/promotions/:code', 'PATCH', () => '/admin/promotions/HOSTILE', examples.updatePromotion],
    ['POST /admin/tenants/:tenantId/engagements', 'POST', () => '/admin/tenants/hostile-tenant/engagements', examples.createEngagement],
    ['PATCH /admin/tenants/:tenantId/engagements/:id', 'PATCH', () => `/admin/tenants/hostile-tenant/engagements/${ids.engagement}`, examples.updateEngagement],
    ['POST /admin/tenants/:tenantId/training-sessions', 'POST', () => '/admin/tenants/hostile-tenant/training-sessions', examples.createSession],
    ['PATCH /admin/tenants/:tenantId/training-sessions/:id', 'PATCH', () => `/admin/tenants/hostile-tenant/training-sessions/${ids.session}`, examples.updateSession],
    ['POST /admin/tenants/:tenantId/sla-commitments', 'POST', () => '/admin/tenants/hostile-tenant/sla-commitments', examples.createCommitment],
    ['PATCH /admin/tenants/:tenantId/sla-commitments/:id', 'PATCH', () => `/admin/tenants/hostile-tenant/sla-commitments/${ids.commitment}`, examples.updateCommitment],
    [
      'POST /admin/tenants/:tenantId/sla-measurements',
      'POST',
      () => '/admin/tenants/hostile-tenant/sla-measurements',
      { commitmentId: '0197a2c4-5b1e-7c3d-9f10-2a4b6c8d0e1f', period: '2026-11', measured: 99.5 } satisfies z.input<typeof recordSlaMeasurementRequest>,
    ],
  ];

  it.each(bodyCases)('%s: every hostile body gets a 2xx or a 4xx naming the problem', async (name, method, path, example) => {
    const token = path().startsWith('/admin/') ? app.adminToken : tenant.key;
    // The measurement example names a real commitment once it exists.
    const body = name.endsWith('sla-measurements') ? { ...(example as object), commitmentId: ids.commitment } : example;
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileVariantOf(body), async (variant) => {
        const response = await call(method, path(), token, JSON.stringify(variant));
        statuses.add(response.status);
        expectClientOutcome(response, name);
      }),
      { numRuns: CASES_PER_CONTRACT, seed: PROPERTY_SEED },
    );
    expect(statuses.has(400)).toBe(true);
    expect([...statuses].some((status) => status < 400 || status === 409)).toBe(true);
  }, 180_000);

  const queryCases: Array<[string, string, unknown]> = [
    ['GET /v1/billing/usage', '/v1/billing/usage', { period: '2026-11' }],
    ['GET /v1/billing/invoices', '/v1/billing/invoices', { limit: '10', cursor: 'eyJhdCI6IjIwMjYtMTEtMDFUMDA6MDA6MDAuMDAwMDAwWiIsImlkIjoiaW5fMSJ9' }],
    ['GET /v1/billing/payments', '/v1/billing/payments', { limit: '10' }],
  ];

  it.each(queryCases)('%s: every hostile query gets a 2xx or a 4xx', async (name, path, example) => {
    await fc.assert(
      fc.asyncProperty(hostileVariantOf(example), async (query) => expectClientOutcome(await call('GET', `${path}${queryOf(query)}`, tenant.key), name)),
      { numRuns: CASES_PER_CONTRACT, seed: PROPERTY_SEED },
    );
  }, 180_000);

  const pathCases: Array<[string, string, (segment: string) => string, () => string, unknown]> = [
    ['GET /v1/billing/invoices/:id', 'GET', (segment) => `/v1/billing/invoices/${segment}`, () => tenant.key, undefined],
    ['PATCH /admin/plans/:code', 'PATCH', (segment) => `/admin/plans/${segment}`, () => app.adminToken, { name: 'Renamed' }],
    ['PATCH /admin/promotions/:code', 'PATCH', (segment) => `/admin/promotions/${segment}`, () => app.adminToken, { active: true }],
    ['PUT /admin/tenants/:tenantId/plan-override', 'PUT', (segment) => `/admin/tenants/${segment}/plan-override`, () => app.adminToken, { planCode: 'free' }],
    ['GET /admin/tenants/:tenantId/engagements', 'GET', (segment) => `/admin/tenants/${segment}/engagements`, () => app.adminToken, undefined],
    ['PATCH /admin/tenants/:tenantId/engagements/:id', 'PATCH', (segment) => `/admin/tenants/hostile-tenant/engagements/${segment}`, () => app.adminToken, { scope: 'x' }],
    ['PATCH /admin/tenants/:tenantId/training-sessions/:id', 'PATCH', (segment) => `/admin/tenants/hostile-tenant/training-sessions/${segment}`, () => app.adminToken, { topic: 'x' }],
    ['PATCH /admin/tenants/:tenantId/sla-commitments/:id', 'PATCH', (segment) => `/admin/tenants/hostile-tenant/sla-commitments/${segment}`, () => app.adminToken, { active: true }],
    ['GET /admin/tenants/:tenantId/sla-measurements', 'GET', (segment) => `/admin/tenants/${segment}/sla-measurements`, () => app.adminToken, undefined],
  ];

  it.each(pathCases)('%s: every hostile path segment gets a 2xx or a 4xx, never a 5xx', async (name, method, url, token, body) => {
    await fc.assert(
      fc.asyncProperty(hostileSegment, async (segment) => expectClientOutcome(await call(method, url(segment), token(), body === undefined ? undefined : JSON.stringify(body)), name)),
      { numRuns: CASES_PER_PATH, seed: PROPERTY_SEED },
    );
  }, 120_000);

  it("finds nothing of another tenant by its ids in an operator's path or body, and changes nothing", async () => {
    const foreign = (await app.admin('POST', '/admin/tenants/hostile-other/sla-commitments', { metric: 'uptime', target: 99, comparison: 'at_least', creditPercent: 5 })).body.id;
    const measured = await app.admin('POST', '/admin/tenants/hostile-tenant/sla-measurements', { commitmentId: foreign, period: '2026-10', measured: 1 });
    expect(measured.status).toBe(404);
    expect((await app.admin('PATCH', `/admin/tenants/hostile-tenant/sla-commitments/${foreign}`, { active: false })).status).toBe(404);
    expect(await app.sql(`select active from sla_commitments where id = $1`, [foreign])).toEqual([{ active: true }]);
  });
});
