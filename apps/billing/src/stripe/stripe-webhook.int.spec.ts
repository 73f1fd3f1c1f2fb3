import { stripeWebhookResponse } from '@comply/contracts';
import { until } from '@comply/testing';
import { BillingTestApp, HttpResult, startBillingTestApp, TEST_WEBHOOK_SECRET } from '../testing/billing-test-app';
import { randomStripeId, stripeFixtureEvent, StripeFixtureEventType, stripeSignatureHeader } from './stripe-event-fixtures';

const PREVIOUS_SECRET = 'whsec_previous_secret_still_valid_during_rotation';
const TOLERANCE_S = 300;

describe('POST /webhooks/stripe (integration)', () => {
  let app: BillingTestApp;

  beforeAll(async () => {
    // Rotation: the new secret first, the one being retired after it; both verify.
    app = await startBillingTestApp({ env: { STRIPE_WEBHOOK_SECRETS: `${TEST_WEBHOOK_SECRET},${PREVIOUS_SECRET}`, STRIPE_WEBHOOK_TOLERANCE_S: String(TOLERANCE_S) } });
  }, 60_000);

  afterAll(() => app?.close());

  const now = () => Math.floor(Date.now() / 1000);

  function event(type: StripeFixtureEventType = 'customer.subscription.created', tenantId = `webhook-${randomStripeId('t').slice(2, 10)}`) {
    return stripeFixtureEvent(type, { tenantId });
  }

  function post(body: string, signature: string | undefined, headers: Record<string, string> = {}): Promise<HttpResult> {
    return app.request('POST', '/webhooks/stripe', {
      rawBody: body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...(signature === undefined ? {} : { 'stripe-signature': signature }), ...headers },
    });
  }

  /** Expects the refusal, and nothing of the event stored or published (what it would publish is correlated with its id). */
  async function expectRefused(eventId: string, response: Promise<HttpResult>, status: number, message: RegExp): Promise<void> {
    const result = await response;
    expect({ status: result.status, message: result.body?.message }).toEqual({ status, message: expect.stringMatching(message) });
    expect(await app.sql('select id from stripe_events where id = $1', [eventId])).toEqual([]);
    expect(await app.sql('select id from messaging_outbox where correlation_id = $1', [eventId])).toEqual([]);
  }

  it('stores a verified event, answers at once, and a redelivery of the same id is a no-op', async () => {
    const delivered = event();
    const body = JSON.stringify(delivered, null, 2);
    const signature = stripeSignatureHeader(body, TEST_WEBHOOK_SECRET);
    const first = await post(body, signature);
    expect(first.status).toBe(200);
    expect(stripeWebhookResponse.parse(first.body)).toEqual({ received: true, duplicate: false });

    const [row] = await app.sql('select type, created_at, api_version, livemode, payload from stripe_events where id = $1', [delivered.id]);
    expect(row).toEqual({ type: 'customer.subscription.created', created_at: new Date(delivered.created * 1000), api_version: delivered.api_version, livemode: false, payload: delivered });
    const processed = await until(
      () => app.sql('select status from stripe_events where id = $1', [delivered.id]),
      (rows) => rows[0]?.status === 'processed',
    );
    expect(processed).toEqual([{ status: 'processed' }]);
    const changed = (await app.outbox('billing.subscription.changed.v1')).filter((outbox) => outbox.correlation_id === delivered.id);
    expect(changed).toHaveLength(1);

    // Stripe re-signs a redelivery, and a replayed request carries the old signature: both change nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const redelivery of [stripeSignatureHeader(body, TEST_WEBHOOK_SECRET), signature]) {
      const again = await post(body, redelivery);
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { received: true, duplicate: true } });
    }
    expect(await app.sql('select count(*)::int as n from stripe_events where id = $1', [delivered.id])).toEqual([{ n: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await app.outbox('billing.subscription.changed.v1')).filter((outbox) => outbox.correlation_id === delivered.id)).toHaveLength(1);
  });

  it('accepts an event signed with the secret being retired (STRIPE_WEBHOOK_SECRETS holds both during a rotation)', async () => {
    const delivered = event('customer.created');
    const body = JSON.stringify(delivered);
    const response = await post(body, stripeSignatureHeader(body, PREVIOUS_SECRET));
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(await app.sql('select id from stripe_events where id = $1', [delivered.id])).toEqual([{ id: delivered.id }]);
  });

  it('refuses a signature made with a secret it does not hold', async () => {
    const delivered = event();
    const body = JSON.stringify(delivered);
    await expectRefused(delivered.id, post(body, stripeSignatureHeader(body, 'whsec_someone_elses_endpoint')), 400, /^Invalid Stripe signature/);
  });

  it('refuses a tampered signature, and a body changed after signing', async () => {
    const delivered = event('invoice.paid');
    const body = JSON.stringify(delivered);
    const header = stripeSignatureHeader(body, TEST_WEBHOOK_SECRET);
    const tampered = header.replace(/v1=([0-9a-f])/, (_match, digit: string) => `v1=${digit === '0' ? '1' : '0'}`);
    await expectRefused(delivered.id, post(body, tampered), 400, /^Invalid Stripe signature/);
    const richer = body.replace(`"amount_paid":${delivered.data.object.amount_paid}`, '"amount_paid":1');
    expect(richer).not.toBe(body);
    await expectRefused(delivered.id, post(richer, header), 400, /^Invalid Stripe signature/);
  });

  it('refuses a stale signature (older than STRIPE_WEBHOOK_TOLERANCE_S), even with the right secret', async () => {
    const delivered = event();
    const body = JSON.stringify(delivered);
    await expectRefused(delivered.id, post(body, stripeSignatureHeader(body, TEST_WEBHOOK_SECRET, now() - TOLERANCE_S - 30)), 400, /^Stale Stripe signature/);
    // Within the tolerance it is fine: the window is what it says.
    const fresh = await post(body, stripeSignatureHeader(body, TEST_WEBHOOK_SECRET, now() - TOLERANCE_S + 30));
    expect(fresh.status).toBe(200);
  });

  it('refuses a truncated body, whether the signature covers the whole body or only the truncated part', async () => {
    const delivered = event();
    const body = JSON.stringify(delivered);
    const truncated = body.slice(0, Math.floor(body.length / 2));
    await expectRefused(delivered.id, post(truncated, stripeSignatureHeader(body, TEST_WEBHOOK_SECRET)), 400, /JSON/i);
    await expectRefused(delivered.id, post(truncated, stripeSignatureHeader(truncated, TEST_WEBHOOK_SECRET)), 400, /JSON/i);
  });

  it('refuses a missing or malformed Stripe-Signature header', async () => {
    const delivered = event();
    const body = JSON.stringify(delivered);
    await expectRefused(delivered.id, post(body, undefined), 400, /^Missing Stripe-Signature header$/);
    await expectRefused(delivered.id, post(body, 'not a signature'), 400, /^Malformed Stripe-Signature header/);
  });

  it('refuses a signed body that is not a Stripe event, naming the fields', async () => {
    const notAnEvent = JSON.stringify({ id: 'evt_1NotAnEvent', object: 'charge', amount: 100 });
    const response = await post(notAnEvent, stripeSignatureHeader(notAnEvent, TEST_WEBHOOK_SECRET));
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Invalid Stripe event: object, type, created, livemode, data');
    expect(await app.sql(`select id from stripe_events where id = 'evt_1NotAnEvent'`)).toEqual([]);
  });

  it('refuses an event PostgreSQL could not store (NUL in a string) with a 400 naming the field', async () => {
    const delivered = event('customer.created');
    delivered.data.object.name = 'Acme\u0000Inc.';
    const body = JSON.stringify(delivered);
    const response = await post(body, stripeSignatureHeader(body, TEST_WEBHOOK_SECRET));
    expect(response.body.issues).toEqual([{ path: 'data.object.name', message: expect.stringContaining('NUL') }]);
    await expectRefused(delivered.id, Promise.resolve(response), 400, /^Invalid Stripe event: data\.object\.name$/);
  });

  it('refuses a body above 1 MiB with 413 before reading it', async () => {
    const delivered = event('customer.created');
    delivered.data.object.description = 'x'.repeat(1_100_000);
    const body = JSON.stringify(delivered);
    await expectRefused(delivered.id, post(body, stripeSignatureHeader(body, TEST_WEBHOOK_SECRET)), 413, /.+/);
  });

  it('refuses every event while STRIPE_WEBHOOK_SECRETS is unset: 503, nothing stored', async () => {
    const unconfigured = await startBillingTestApp({ env: { STRIPE_WEBHOOK_SECRETS: '' } });
    try {
      const delivered = event();
      const body = JSON.stringify(delivered);
      const response = await unconfigured.request('POST', '/webhooks/stripe', {
        rawBody: body,
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(body, TEST_WEBHOOK_SECRET) },
      });
      expect(response.status).toBe(503);
      expect(response.body.message).toBe('Stripe webhooks are disabled: STRIPE_WEBHOOK_SECRETS is not set, so no event can be verified');
      expect(await unconfigured.sql('select id from stripe_events')).toEqual([]);
    } finally {
      await unconfigured.close();
    }
  }, 60_000);
});
