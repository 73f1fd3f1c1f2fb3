import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

describe('engagements and training sessions (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;
  let other: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('ps-tenant', ['read']);
    other = await app.createTenant('ps-other', ['read']);
  }, 60_000);

  afterAll(() => app?.close());

  const engagements = `/admin/tenants/ps-tenant/engagements`;
  const sessions = `/admin/tenants/ps-tenant/training-sessions`;
  const newEngagement = (body: Record<string, unknown> = {}) =>
    app.admin('POST', engagements, { scope: 'Onboard three detectors and the dashboards', priceMinor: 250000, currency: 'usd', startsAt: '2027-01-04T09:00:00Z', endsAt: '2027-01-29T17:00:00Z', ...body });

  describe('engagements', () => {
    it('are proposed, audited, moved forward step by step to completion and given a satisfaction score', async () => {
      const created = await newEngagement();
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ tenantId: tenant.id, kind: 'white_glove_onboarding', status: 'proposed', priceMinor: 250000, currency: 'usd', satisfactionScore: null });
      expect((await app.auditOf(created)).map((row) => row.body)).toEqual([
        expect.objectContaining({ actor: { type: 'user', id: 'platform-admin' }, action: 'engagement.create', tenantId: tenant.id, resource: { type: 'engagement', id: created.body.id } }),
      ]);
      const path = `${engagements}/${created.body.id}`;
      for (const status of ['scheduled', 'in_progress']) expect((await app.admin('PATCH', path, { status })).body.status).toBe(status);
      const completed = await app.admin('PATCH', path, { status: 'completed', satisfactionScore: 5 });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({ status: 'completed', satisfactionScore: 5 });
      expect((await app.auditOf(completed)).map((row) => row.body.details)).toEqual([
        { changes: { status: { from: 'in_progress', to: 'completed' }, satisfactionScore: { from: null, to: 5 } } },
      ]);
      expect((await app.admin('PATCH', path, { satisfactionScore: 4 })).body.satisfactionScore).toBe(4);

      const own = await app.request('GET', '/v1/billing/engagements', { token: tenant.key });
      expect(own.status).toBe(200);
      expect(own.body.items).toEqual([expect.objectContaining({ id: created.body.id, status: 'completed', satisfactionScore: 4 })]);
      expect((await app.request('GET', '/v1/billing/engagements', { token: other.key })).body.items).toEqual([]);
      expect((await app.admin('GET', engagements)).body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
    });

    it('refuse illegal transitions, an early satisfaction score and changed terms once finished, with 409 and nothing changed', async () => {
      const { body } = await newEngagement();
      const path = `${engagements}/${body.id}`;
      const skipped = await app.admin('PATCH', path, { status: 'completed' });
      expect(skipped.status).toBe(409);
      expect(skipped.body.message).toMatch(/"proposed" to "completed"/);
      expect((await app.admin('PATCH', path, { satisfactionScore: 3 })).status).toBe(409);
      expect((await app.admin('PATCH', path, { status: 'cancelled' })).body.status).toBe('cancelled');
      expect((await app.admin('PATCH', path, { status: 'scheduled' })).status).toBe(409);
      expect((await app.admin('PATCH', path, { priceMinor: 1 })).status).toBe(409);
      expect((await app.admin('PATCH', path, { satisfactionScore: 5 })).status).toBe(409);
      expect(await app.sql(`select status, price_minor::int as price_minor, satisfaction_score from engagements where id = $1`, [body.id])).toEqual([
        { status: 'cancelled', price_minor: 250000, satisfaction_score: null },
      ]);
    });

    it('refuse satisfaction outside 1 to 5, an end before the start (also against the stored start), and bad input, with 400 naming the field', async () => {
      const { body } = await newEngagement({ status: 'scheduled' });
      const path = `${engagements}/${body.id}`;
      expect((await app.admin('PATCH', path, { satisfactionScore: 6 })).body.issues).toEqual([expect.objectContaining({ path: 'satisfactionScore' })]);
      expect((await app.admin('PATCH', path, { satisfactionScore: 0 })).status).toBe(400);
      expect((await app.admin('PATCH', path, { endsAt: '2026-01-01T00:00:00Z' })).body.issues).toEqual([expect.objectContaining({ path: 'endsAt' })]);
      expect((await newEngagement({ endsAt: '2026-01-01T00:00:00Z' })).body.issues).toEqual([expect.objectContaining({ path: 'endsAt' })]);
      expect((await newEngagement({ startsAt: '10000-01-01T00:00:00Z', endsAt: null })).body.issues).toEqual([expect.objectContaining({ path: 'startsAt' })]);
      expect((await newEngagement({ currency: 'USD' })).body.issues).toEqual([expect.objectContaining({ path: 'currency' })]);
      expect((await newEngagement({ scope: '' })).body.issues).toEqual([expect.objectContaining({ path: 'scope' })]);
      expect((await newEngagement({ status: 'completed' })).body.issues).toEqual([expect.objectContaining({ path: 'status' })]);
      expect((await newEngagement({ tenantId: 'ps-other' })).body.issues).toEqual([expect.objectContaining({ path: 'tenantId' })]);
    });

    it("answer 404 for another tenant's engagement, a malformed id and an unknown tenant; 401 without the admin token", async () => {
      const { body } = await newEngagement();
      expect((await app.admin('PATCH', `/admin/tenants/ps-other/engagements/${body.id}`, { status: 'scheduled' })).status).toBe(404);
      expect((await app.admin('PATCH', `${engagements}/not-a-uuid`, { status: 'scheduled' })).status).toBe(404);
      expect((await app.admin('GET', '/admin/tenants/nobody/engagements')).status).toBe(404);
      expect((await app.admin('POST', '/admin/tenants/nobody/engagements', { scope: 'x', priceMinor: 1, currency: 'usd' })).status).toBe(404);
      expect((await app.request('GET', engagements)).status).toBe(401);
      expect((await app.request('GET', engagements, { token: tenant.key })).status).toBe(401);
      expect((await app.request('GET', '/v1/billing/engagements')).status).toBe(401);
    });

    it('refuse changes for an erased tenant (409), which can still be read', async () => {
      await app.createTenant('ps-erased', ['read']);
      await app.sql(`update directory_tenants set status = 'erased', name = null, plan = null, retention_days = null where tenant_id = 'ps-erased'`);
      expect((await app.admin('POST', '/admin/tenants/ps-erased/engagements', { scope: 'x', priceMinor: 1, currency: 'usd' })).status).toBe(409);
      expect((await app.admin('GET', '/admin/tenants/ps-erased/engagements')).status).toBe(200);
    });
  });

  describe('training sessions', () => {
    it('are scheduled, run and rated like engagements, and tenants read their own', async () => {
      const created = await app.admin('POST', sessions, { topic: 'Reading the compliance dashboards', scheduledAt: '2027-02-01T14:00:00Z', durationMinutes: 90, attendees: 12, priceMinor: 50000, currency: 'eur' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'scheduled', durationMinutes: 90, attendees: 12, scheduledAt: '2027-02-01T14:00:00.000Z', currency: 'eur' });
      expect((await app.auditOf(created)).map((row) => row.body.action)).toEqual(['training_session.create']);
      const path = `${sessions}/${created.body.id}`;
      expect((await app.admin('PATCH', path, { status: 'completed' })).status).toBe(409);
      expect((await app.admin('PATCH', path, { status: 'in_progress', attendees: 14 })).body).toMatchObject({ status: 'in_progress', attendees: 14 });
      const rated = await app.admin('PATCH', path, { status: 'completed', satisfactionScore: 4 });
      expect(rated.body).toMatchObject({ status: 'completed', satisfactionScore: 4 });
      expect((await app.auditOf(rated)).map((row) => row.body.action)).toEqual(['training_session.update']);
      expect((await app.admin('PATCH', path, { topic: 'Renamed' })).status).toBe(409);
      expect((await app.request('GET', '/v1/billing/training-sessions', { token: tenant.key })).body.items).toEqual([
        expect.objectContaining({ id: created.body.id, topic: 'Reading the compliance dashboards', satisfactionScore: 4 }),
      ]);
      expect((await app.request('GET', '/v1/billing/training-sessions', { token: other.key })).body.items).toEqual([]);
      expect((await app.admin('PATCH', `/admin/tenants/ps-other/training-sessions/${created.body.id}`, { attendees: 1 })).status).toBe(404);
    });

    it.each([
      ['a zero duration', { durationMinutes: 0 }, 'durationMinutes'],
      ['a day and a minute', { durationMinutes: 1441 }, 'durationMinutes'],
      ['negative attendees', { attendees: -1 }, 'attendees'],
      ['a time without offset', { scheduledAt: '2027-02-01T14:00:00' }, 'scheduledAt'],
      ['a price as text', { priceMinor: '100' }, 'priceMinor'],
    ])('refuse %s with a 400 naming the field', async (_name, change, field) => {
      const response = await app.admin('POST', sessions, { topic: 'x', scheduledAt: '2027-02-01T14:00:00Z', durationMinutes: 60, priceMinor: 1, currency: 'usd', ...change });
      expect(response.status).toBe(400);
      expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
    });
  });
});
