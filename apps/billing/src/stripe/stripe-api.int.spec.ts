import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { BillingDatabase } from '../database/billing-database';
import { BillingTestApp, startBillingTestApp } from '../testing/billing-test-app';
import { backfillStripeEvents } from './stripe-event-backfill';
import { StripeFixtureEvent, stripeFixtureEvent } from './stripe-event-fixtures';
import { StripeEventsRepository } from './stripe-events.repository';
import { StripeObjectSource } from './stripe-object-source';
import { settledEvents } from './testing/stripe-delivery';

type Route = (request: IncomingMessage, url: URL) => { status: number; body: unknown } | undefined;

/**
 * The real Stripe API cannot be reached from here: these tests run the `stripe` client against a
 * local server that answers as Stripe's API does (same paths, list and error shapes), to check
 * what billing asks and how it reads the answers.
 */
async function startFakeStripe(route: Route): Promise<{ client: Stripe; requests: URL[]; close(): Promise<void> }> {
  const requests: URL[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stripe.local');
    requests.push(url);
    const answer = request.headers.authorization === 'Bearer sk_test_fake' ? route(request, url) : { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
    const { status, body } = answer ?? { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'Unrecognized request URL' } } };
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    client: new Stripe('sk_test_fake', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 }),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('billing against the Stripe API (a local stand-in)', () => {
  describe('StripeObjectSource', () => {
    const current = stripeFixtureEvent('customer.subscription.updated', { tenantId: 'fetched', object: { status: 'past_due' } }).data.object;
    const stale = { ...current, status: 'active' };
    let stripe: Awaited<ReturnType<typeof startFakeStripe>>;

    beforeAll(async () => {
      stripe = await startFakeStripe((_request, url) => {
        if (url.pathname === `/v1/subscriptions/${String(current.id)}`) return { status: 200, body: current };
        if (url.pathname === '/v1/invoices/in_1Gone') return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: "No such invoice: 'in_1Gone'", param: 'id' } } };
        if (url.pathname === '/v1/customers/cus_1Broken') return { status: 500, body: { error: { type: 'api_error', message: 'Something went wrong on our end' } } };
        return undefined;
      });
    });

    afterAll(() => stripe.close());

    it('applies what Stripe holds now, not what a stale payload says', async () => {
      expect(await new StripeObjectSource(stripe.client).current(stale)).toMatchObject({ id: current.id, status: 'past_due' });
      expect(stripe.requests.map((url) => url.pathname)).toContain(`/v1/subscriptions/${String(current.id)}`);
    });

    it('falls back to the payload for an object Stripe no longer has, and fails (to be retried) when Stripe fails', async () => {
      const source = new StripeObjectSource(stripe.client);
      const gone = { id: 'in_1Gone', object: 'invoice', status: 'draft' };
      expect(await source.current(gone)).toBe(gone);
      await expect(source.current({ id: 'cus_1Broken', object: 'customer' })).rejects.toThrow(/Something went wrong/);
    });

    it('calls nothing without STRIPE_API_KEY, and nothing for kinds it does not fetch', async () => {
      const before = stripe.requests.length;
      expect(await new StripeObjectSource(undefined).current(stale)).toBe(stale);
      const product = { id: 'prod_1', object: 'product' };
      expect(await new StripeObjectSource(stripe.client).current(product)).toBe(product);
      expect(stripe.requests.length).toBe(before);
    });
  });

  describe('backfillStripeEvents', () => {
    let app: BillingTestApp;
    let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
    let listed: Array<StripeFixtureEvent | Record<string, unknown>>;

    beforeAll(async () => {
      app = await startBillingTestApp({ env: { BILLING_JOB_INTERVAL_MS: '200' } });
      const start = Math.floor(Date.now() / 1000) - 3_600;
      // Newest first, as the Events API lists them.
      listed = [
        stripeFixtureEvent('invoice.paid', { tenantId: 'backfilled', created: start + 30 }),
        stripeFixtureEvent('customer.subscription.created', { tenantId: 'backfilled', created: start + 20 }),
        stripeFixtureEvent('customer.created', { tenantId: 'backfilled', created: start + 10 }),
        { id: 'evt_1NotStorable', object: 'event', type: 'customer.created', created: start, livemode: false },
      ];
      stripe = await startFakeStripe((_request, url) => {
        if (url.pathname !== '/v1/events') return undefined;
        const after = url.searchParams.get('starting_after');
        const from = after ? listed.findIndex((event) => event.id === after) + 1 : 0;
        const page = listed.slice(from, from + 2);
        return { status: 200, body: { object: 'list', url: '/v1/events', has_more: from + 2 < listed.length, data: page } };
      });
    }, 60_000);

    afterAll(async () => {
      await stripe?.close();
      await app?.close();
    });

    it("pages through Stripe's Events API and stores each event as the webhook does; the service processes them", async () => {
      const database = app.service.runtime.database as unknown as BillingDatabase;
      const since = new Date(Date.now() - 86_400_000);
      const result = await backfillStripeEvents(stripe.client, database.db, new StripeEventsRepository(), { since });
      expect(result).toEqual({ listed: 4, stored: 3, alreadyStored: 0, refused: ['evt_1NotStorable'] });
      const pages = stripe.requests.filter((url) => url.pathname === '/v1/events');
      expect(pages.map((url) => [url.searchParams.get('limit'), url.searchParams.get('starting_after'), url.searchParams.get('created[gte]')])).toEqual([
        ['100', null, String(Math.floor(since.getTime() / 1000))],
        ['100', listed[1].id, String(Math.floor(since.getTime() / 1000))],
      ]);
      const ids = listed.slice(0, 3).map((event) => String(event.id));
      expect((await settledEvents(app, ids)).map((row) => [row.status, row.tenant_id])).toEqual(ids.map(() => ['processed', 'backfilled']));
      expect(await app.sql(`select status from invoices where tenant_id = 'backfilled'`)).toEqual([{ status: 'paid' }]);

      // A second run finds everything stored already.
      expect(await backfillStripeEvents(stripe.client, database.db, new StripeEventsRepository())).toEqual({ listed: 4, stored: 0, alreadyStored: 3, refused: ['evt_1NotStorable'] });
      expect(await app.sql(`select count(*)::int as n from stripe_events`)).toEqual([{ n: 3 }]);
    });
  });
});
