import { BillingTestApp, BillingTestTenant, startBillingTestApp } from '../testing/billing-test-app';

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('promotional codes (integration)', () => {
  let app: BillingTestApp;
  let tenant: BillingTestTenant;

  beforeAll(async () => {
    app = await startBillingTestApp();
    tenant = await app.createTenant('promo-tenant', ['read', 'admin']);
  }, 60_000);

  afterAll(() => app?.close());

  const createCode = (body: Record<string, unknown>) => app.admin('POST', '/admin/promotions', body);
  const validate = (code: string, token = tenant.key) => app.request('POST', '/v1/billing/promotions/validate', { token, body: { code } });
  const redeem = (code: string, token = tenant.key) => app.request('POST', '/v1/billing/promotions/redeem', { token, body: { code } });

  describe('operators', () => {
    it('create a code (upper-cased), list it, and change its window, cap and activity, each audited as platform-admin', async () => {
      const created = await createCode({ code: 'welcome20', description: 'Welcome', percentOff: 20, maxRedemptions: 100 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: 'WELCOME20', percentOff: 20, amountOffMinor: null, currency: null, maxRedemptions: 100, redemptions: 0, active: true });
      expect((await app.auditOf(created)).map((row) => row.body)).toEqual([
        expect.objectContaining({ actor: { type: 'user', id: 'platform-admin' }, action: 'promotional_code.create', resource: { type: 'promotional_code', id: 'WELCOME20' } }),
      ]);
      expect((await app.admin('GET', '/admin/promotions')).body.items).toContainEqual(expect.objectContaining({ code: 'WELCOME20' }));

      const until = hoursFromNow(24);
      const changed = await app.admin('PATCH', '/admin/promotions/Welcome20', { validUntil: until, maxRedemptions: 10, active: false });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ code: 'WELCOME20', validUntil: until, maxRedemptions: 10, active: false, percentOff: 20 });
      expect((await app.auditOf(changed)).map((row) => row.body)).toEqual([
        expect.objectContaining({
          action: 'promotional_code.update',
          details: { changes: { validUntil: { from: null, to: until }, maxRedemptions: { from: 100, to: 10 }, active: { from: true, to: false } } },
        }),
      ]);
    });

    it('refuse a duplicate code (409), both or neither discount (400), an amount without currency (400), a window ending before it starts (400)', async () => {
      await createCode({ code: 'ONCE', amountOffMinor: 500, currency: 'usd' });
      expect((await createCode({ code: 'once', percentOff: 5 })).status).toBe(409);
      const both = await createCode({ code: 'BOTH', percentOff: 5, amountOffMinor: 100, currency: 'usd' });
      expect(both.status).toBe(400);
      expect(both.body.issues.map((issue: { path: string }) => issue.path)).toContain('percentOff');
      expect((await createCode({ code: 'NEITHER' })).body.issues.map((issue: { path: string }) => issue.path)).toContain('percentOff');
      expect((await createCode({ code: 'NOCUR', amountOffMinor: 100 })).body.issues.map((issue: { path: string }) => issue.path)).toContain('currency');
      const backwards = await createCode({ code: 'BACK', percentOff: 5, validFrom: hoursFromNow(2), validUntil: hoursFromNow(1) });
      expect(backwards.body.issues).toEqual([expect.objectContaining({ path: 'validUntil' })]);
      // Against the stored window too.
      await createCode({ code: 'LATER', percentOff: 5, validFrom: hoursFromNow(48) });
      const patched = await app.admin('PATCH', '/admin/promotions/LATER', { validUntil: hoursFromNow(1) });
      expect(patched.status).toBe(400);
      expect(patched.body.issues).toEqual([expect.objectContaining({ path: 'validUntil' })]);
    });

    it('answer 404 for an unknown or malformed code, 400 for nothing to change, 401 without the token', async () => {
      expect((await app.admin('PATCH', '/admin/promotions/NOPE', { active: false })).status).toBe(404);
      expect((await app.admin('PATCH', '/admin/promotions/no%00pe', { active: false })).status).toBe(404);
      expect((await app.admin('PATCH', '/admin/promotions/ONCE', {})).status).toBe(400);
      expect((await app.request('GET', '/admin/promotions')).status).toBe(401);
      expect((await app.request('GET', '/admin/promotions', { token: tenant.key })).status).toBe(401);
    });
  });

  describe('tenants', () => {
    it('validate a code: valid, or the one reason it is not', async () => {
      await createCode({ code: 'OPEN10', percentOff: 10 });
      await createCode({ code: 'OFF', percentOff: 10, active: false });
      await createCode({ code: 'SOON', percentOff: 10, validFrom: hoursFromNow(1) });
      await createCode({ code: 'GONE', percentOff: 10, validFrom: hoursFromNow(-48), validUntil: hoursFromNow(-1) });
      await createCode({ code: 'FULL', percentOff: 10, maxRedemptions: 1 });
      await app.sql(`update promotional_codes set redemptions = 1 where code = 'FULL'`);

      const valid = await validate('open10');
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({
        code: 'OPEN10',
        valid: true,
        reason: null,
        discount: { description: null, percentOff: 10, amountOffMinor: null, currency: null, validFrom: null, validUntil: null },
      });
      const reasons = await Promise.all(['MISSING', 'OFF', 'SOON', 'GONE', 'FULL'].map(async (code) => (await validate(code)).body));
      expect(reasons.map(({ valid: isValid, reason }) => ({ isValid, reason }))).toEqual(
        ['unknown', 'inactive', 'not_yet_valid', 'expired', 'exhausted'].map((reason) => ({ isValid: false, reason })),
      );
      expect(reasons[0].discount).toBeNull();
    });

    it('redeem a code once: 201 with the discount and an audit event as the API key, then 409 already_redeemed', async () => {
      await createCode({ code: 'FIVEOFF', amountOffMinor: 500, currency: 'eur', maxRedemptions: 3 });
      const redeemed = await redeem('fiveoff');
      expect(redeemed.status).toBe(201);
      expect(redeemed.body).toMatchObject({ code: 'FIVEOFF', tenantId: tenant.id, discount: { amountOffMinor: 500, currency: 'eur' } });
      const audit = (await app.auditOf(redeemed)).map((row) => row.body);
      expect(audit).toEqual([
        expect.objectContaining({ actor: { type: 'api_key', id: expect.any(String) }, action: 'promotional_code.redeem', tenantId: tenant.id, resource: { type: 'promotional_code', id: 'FIVEOFF' } }),
      ]);

      const again = await redeem('FIVEOFF');
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.any(String), reason: 'already_redeemed' });
      expect((await validate('FIVEOFF')).body).toMatchObject({ valid: false, reason: 'already_redeemed' });
      expect((await app.admin('GET', '/admin/promotions')).body.items.find((item: { code: string }) => item.code === 'FIVEOFF').redemptions).toBe(1);
    });

    it('are refused redemption outside the window, when inactive, unknown or exhausted, with nothing stored', async () => {
      await createCode({ code: 'FUTURE', percentOff: 10, validFrom: hoursFromNow(1) });
      await createCode({ code: 'PAST', percentOff: 10, validUntil: hoursFromNow(-1) });
      await createCode({ code: 'DISABLED', percentOff: 10, active: false });
      for (const [code, reason] of [
        ['FUTURE', 'not_yet_valid'],
        ['PAST', 'expired'],
        ['DISABLED', 'inactive'],
        ['UNKNOWN', 'unknown'],
      ]) {
        const response = await redeem(code);
        expect({ code, status: response.status, reason: response.body.reason }).toEqual({ code, status: 409, reason });
      }
      expect(await app.sql(`select code from promotional_code_redemptions where code in ('FUTURE', 'PAST', 'DISABLED')`)).toEqual([]);
    });

    it('need the admin scope to redeem and the read scope to validate', async () => {
      const readOnly = await tenant.keyWith(['read']);
      expect((await redeem('OPEN10', readOnly)).status).toBe(403);
      expect((await validate('OPEN10', await tenant.keyWith(['ingest']))).status).toBe(403);
      expect((await app.request('POST', '/v1/billing/promotions/redeem', { body: { code: 'OPEN10' } })).status).toBe(401);
    });

    it.each([
      ['no code', {}],
      ['an empty code', { code: '' }],
      ['NUL', { code: 'A\u0000' }],
      ['an unpaired surrogate', { code: 'A\uD800' }],
      ['a number', { code: 42 }],
      ['an unknown field', { code: 'OPEN10', tenantId: 'someone-else' }],
      ['a code too long', { code: 'A'.repeat(65) }],
    ])('refuse %s with a 400 naming the field', async (_name, body) => {
      for (const path of ['/v1/billing/promotions/validate', '/v1/billing/promotions/redeem']) {
        const response = await app.request('POST', path, { token: tenant.key, body });
        expect(response.status).toBe(400);
        expect(response.body.issues.length).toBeGreaterThan(0);
        expect(response.body.issues.every((issue: { path: string }) => ['code', 'tenantId'].includes(issue.path))).toBe(true);
      }
    });
  });

  describe('under concurrent redemption', () => {
    it('lets exactly as many tenants redeem as the cap allows', async () => {
      await createCode({ code: 'RUSH', percentOff: 50, maxRedemptions: 5 });
      const tenants = await Promise.all(Array.from({ length: 20 }, (_, index) => app.createTenant(`rush-${index}`, ['admin'])));
      const responses = await Promise.all(tenants.map((each) => redeem('RUSH', each.key)));
      expect(responses.filter((response) => response.status === 201)).toHaveLength(5);
      expect(responses.filter((response) => response.status === 409).map((response) => response.body.reason)).toEqual(Array(15).fill('exhausted'));
      expect(await app.sql(`select redemptions from promotional_codes where code = 'RUSH'`)).toEqual([{ redemptions: 5 }]);
      expect(await app.sql(`select count(*)::int as count from promotional_code_redemptions where code = 'RUSH'`)).toEqual([{ count: 5 }]);
    });

    it('lets one tenant redeem a code once, however many requests race', async () => {
      await createCode({ code: 'SOLO', percentOff: 15 });
      const racer = await app.createTenant('solo-racer', ['admin']);
      const responses = await Promise.all(Array.from({ length: 10 }, () => redeem('SOLO', racer.key)));
      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      expect(responses.filter((response) => response.status === 409).map((response) => response.body.reason)).toEqual(Array(9).fill('already_redeemed'));
      expect(await app.sql(`select redemptions from promotional_codes where code = 'SOLO'`)).toEqual([{ redemptions: 1 }]);
      expect((await app.outbox('audit.event.v1')).filter((row) => row.body.action === 'promotional_code.redeem' && row.tenant_id === racer.id)).toHaveLength(1);
    });
  });
});
