import { parseStripeObject, stripeInvoice, stripeSubscription, UnexpectedStripeObject } from './stripe-objects';
import { stripeFixtureEvent, STRIPE_FIXTURE_EVENT_TYPES } from './stripe-event-fixtures';
import * as objects from './stripe-objects';

const schemaOf: Record<string, Parameters<typeof parseStripeObject>[0]> = {
  customer: objects.stripeCustomer,
  subscription: objects.stripeSubscription,
  invoice: objects.stripeInvoice,
  payment_intent: objects.stripePaymentIntent,
  charge: objects.stripeCharge,
  dispute: objects.stripeDispute,
  payment_method: objects.stripePaymentMethod,
  'checkout.session': objects.stripeCheckoutSession,
};

describe('Stripe object schemas', () => {
  it.each(STRIPE_FIXTURE_EVENT_TYPES)('read the object of every fixture event (%s)', (type) => {
    const { object } = stripeFixtureEvent(type, { tenantId: 'acme' }).data;
    expect(() => parseStripeObject(schemaOf[object.object as string], object, String(object.object))).not.toThrow();
  });

  it('read the older API shape: periods on the subscription, the subscription on the invoice', () => {
    const subscription = stripeFixtureEvent('customer.subscription.created', { tenantId: 'acme' }).data.object;
    const items = subscription.items as { data: Array<Record<string, unknown>> };
    const legacy = {
      ...subscription,
      current_period_start: 1_700_000_000,
      current_period_end: 1_702_592_000,
      items: { ...items, data: items.data.map(({ current_period_start: _start, current_period_end: _end, ...item }) => item) },
    };
    const parsed = parseStripeObject(stripeSubscription, legacy, 'subscription');
    expect(parsed.current_period_end).toBe(1_702_592_000);
    const invoice = stripeFixtureEvent('invoice.paid', { tenantId: 'acme' }).data.object;
    expect(parseStripeObject(stripeInvoice, { ...invoice, parent: null, subscription: 'sub_legacy1' }, 'invoice').subscription).toBe('sub_legacy1');
  });

  it('take an expanded reference as its id', () => {
    const subscription = stripeFixtureEvent('customer.subscription.created', { tenantId: 'acme' }).data.object;
    expect(parseStripeObject(stripeSubscription, { ...subscription, customer: { id: 'cus_expanded1', object: 'customer' } }, 'subscription').customer).toBe('cus_expanded1');
  });

  it('describe what is wrong by field paths, never by values, and stop paths at metadata keys', () => {
    const subscription = stripeFixtureEvent('customer.subscription.created', { tenantId: 'acme' }).data.object;
    let message = '';
    try {
      parseStripeObject(stripeSubscription, { ...subscription, status: 'secret-status', customer: 'not-a-customer', metadata: { 'private-key-name': 42 } }, 'subscription');
    } catch (error) {
      expect(error).toBeInstanceOf(UnexpectedStripeObject);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Stripe subscription not as expected: /);
    expect(message).toContain('status: ');
    expect(message).toContain('customer: ');
    expect(message).toContain('metadata: ');
    expect(message).not.toMatch(/secret-status|not-a-customer|private-key-name|42/);
  });
});
