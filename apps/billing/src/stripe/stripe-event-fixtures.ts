import { createHash, randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * Realistic Stripe webhook events (snapshot payloads of the API version this `stripe` package
 * pins), for `npm run stripe:send` and the tests: what Stripe sends when billing's customers
 * subscribe, pay, fail to pay, get refunded or dispute. Ids default to ones derived from the
 * tenant, so events sent one after another concern the same customer, subscription and invoice.
 * The tenant is named where billing would name it when creating the objects: the customer's and
 * the subscription's metadata (copied by Stripe onto the invoice) and the checkout session's
 * `client_reference_id`; payment intents, charges, disputes and payment methods name only their customer.
 */

export const STRIPE_FIXTURE_EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.trial_will_end',
  'customer.subscription.deleted',
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.dispute.created',
  'payment_method.attached',
  'payment_method.detached',
] as const;
export type StripeFixtureEventType = (typeof STRIPE_FIXTURE_EVENT_TYPES)[number];

const API_VERSION = Stripe.API_VERSION;
const DAY = 86_400;

/** Monthly prices of the seeded plans, in cents; any other plan code costs what starter does. */
const PLAN_PRICES: Record<string, number> = { free: 0, starter: 4900, pro: 49900 };

export interface StripeFixtureIds {
  customerId: string;
  subscriptionId: string;
  invoiceId: string;
  paymentIntentId: string;
  chargeId: string;
  paymentMethodId: string;
}

export interface StripeFixtureOptions extends Partial<StripeFixtureIds> {
  tenantId: string;
  /** Plan code; the price carries it as its lookup key. Default "starter". */
  plan?: string;
  /** The price id; default `price_<plan>_monthly`. */
  priceId?: string;
  /** The price's lookup key; default the plan code, null for none. */
  lookupKey?: string | null;
  /** The event's `created` (Unix seconds); default now. */
  created?: number;
  eventId?: string;
  /** Fields that replace the object's own (shallow), e.g. `{ status: 'past_due' }`. */
  object?: Record<string, unknown>;
}

export interface StripeFixtureEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export function isStripeFixtureEventType(type: string): type is StripeFixtureEventType {
  return (STRIPE_FIXTURE_EVENT_TYPES as readonly string[]).includes(type);
}

/** Stripe-looking ids derived from the tenant: the same tenant always gets the same customer, subscription, invoice… */
export function stripeFixtureIds(tenantId: string): StripeFixtureIds {
  const id = (prefix: string) => `${prefix}_${createHash('sha256').update(`${prefix}:${tenantId}`).digest('hex').slice(0, 14)}`;
  return {
    customerId: id('cus'),
    subscriptionId: id('sub'),
    invoiceId: id('in'),
    paymentIntentId: id('pi'),
    chargeId: id('ch'),
    paymentMethodId: id('pm'),
  };
}

/** A fresh Stripe-looking id (letters and digits after the prefix). */
export function randomStripeId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString('base64url').replace(/[-_]/g, '').slice(0, 24)}`;
}

/** One webhook event of `type` about the tenant's objects. */
export function stripeFixtureEvent(type: StripeFixtureEventType, options: StripeFixtureOptions): StripeFixtureEvent {
  const fixture = fixtureContext(options);
  const { object, previousAttributes } = objectOf(type, fixture);
  return {
    id: options.eventId ?? randomStripeId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: fixture.created,
    data: { object: { ...object, ...options.object }, ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: randomStripeId('req'), idempotency_key: randomBytes(16).toString('hex') },
    type,
  };
}

/** The Stripe-Signature header Stripe would send with `payload` for `secret`, signed at `timestamp` (Unix seconds; default now). */
export function stripeSignatureHeader(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

interface FixtureContext extends StripeFixtureIds {
  tenantId: string;
  plan: string;
  priceId: string;
  lookupKey: string | null;
  amount: number;
  created: number;
}

function fixtureContext(options: StripeFixtureOptions): FixtureContext {
  const plan = options.plan ?? 'starter';
  return {
    ...stripeFixtureIds(options.tenantId),
    ...definedOnly(options),
    tenantId: options.tenantId,
    plan,
    priceId: options.priceId ?? `price_${plan}_monthly`,
    lookupKey: options.lookupKey === undefined ? plan : options.lookupKey,
    amount: PLAN_PRICES[plan] ?? PLAN_PRICES.starter,
    created: options.created ?? Math.floor(Date.now() / 1000),
  };
}

function definedOnly(options: StripeFixtureOptions): Partial<StripeFixtureIds> {
  const ids: Partial<StripeFixtureIds> = {};
  for (const key of ['customerId', 'subscriptionId', 'invoiceId', 'paymentIntentId', 'chargeId', 'paymentMethodId'] as const) {
    if (options[key]) ids[key] = options[key];
  }
  return ids;
}

interface FixtureObject {
  object: Record<string, unknown>;
  previousAttributes?: Record<string, unknown>;
}

function objectOf(type: StripeFixtureEventType, f: FixtureContext): FixtureObject {
  switch (type) {
    case 'customer.created':
    case 'customer.deleted':
      return { object: customer(f) };
    case 'customer.updated':
      return { object: customer(f), previousAttributes: { email: `old-billing@${domainOf(f.tenantId)}` } };
    case 'checkout.session.completed':
      return { object: checkoutSession(f) };
    case 'customer.subscription.created':
      return { object: subscription(f, { status: 'active' }) };
    case 'customer.subscription.updated':
      return { object: subscription(f, { status: 'active' }), previousAttributes: { status: 'incomplete' } };
    case 'customer.subscription.trial_will_end':
      return { object: subscription(f, { status: 'trialing', trial_start: f.created - 11 * DAY, trial_end: f.created + 3 * DAY }) };
    case 'customer.subscription.deleted':
      return { object: subscription(f, { status: 'canceled', canceled_at: f.created, ended_at: f.created }) };
    case 'invoice.created':
      return { object: invoice(f, 'draft') };
    case 'invoice.finalized':
      return { object: invoice(f, 'open') };
    case 'invoice.paid':
      return { object: invoice(f, 'paid') };
    case 'invoice.payment_failed':
      return { object: invoice(f, 'payment_failed') };
    case 'invoice.voided':
      return { object: invoice(f, 'void') };
    case 'invoice.marked_uncollectible':
      return { object: invoice(f, 'uncollectible') };
    case 'payment_intent.succeeded':
      return { object: paymentIntent(f, true) };
    case 'payment_intent.payment_failed':
      return { object: paymentIntent(f, false) };
    case 'charge.refunded':
      return { object: charge(f), previousAttributes: { amount_refunded: 0, refunded: false } };
    case 'charge.dispute.created':
      return { object: dispute(f) };
    case 'payment_method.attached':
      return { object: paymentMethod(f, f.customerId) };
    case 'payment_method.detached':
      return { object: paymentMethod(f, null), previousAttributes: { customer: f.customerId } };
  }
}

function domainOf(tenantId: string): string {
  return `${tenantId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example`;
}

function customer(f: FixtureContext): Record<string, unknown> {
  return {
    id: f.customerId,
    object: 'customer',
    address: null,
    balance: 0,
    created: f.created - 60,
    currency: 'usd',
    default_source: null,
    delinquent: false,
    description: null,
    email: `billing@${domainOf(f.tenantId)}`,
    invoice_prefix: f.customerId.slice(4, 12).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: f.paymentMethodId, footer: null, rendering_options: null },
    livemode: false,
    metadata: { tenantId: f.tenantId },
    name: `${f.tenantId} Inc.`,
    phone: null,
    preferred_locales: ['en'],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

function price(f: FixtureContext): Record<string, unknown> {
  return {
    id: f.priceId,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: f.created - 90 * DAY,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: f.lookupKey,
    metadata: {},
    nickname: `${f.plan} monthly`,
    product: `prod_${f.plan}`,
    recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'exclusive',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: f.amount,
    unit_amount_decimal: String(f.amount),
  };
}

function subscription(f: FixtureContext, state: Record<string, unknown>): Record<string, unknown> {
  const periodStart = f.created - 60;
  const periodEnd = periodStart + 30 * DAY;
  return {
    id: f.subscriptionId,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: periodStart,
    billing_mode: { type: 'flexible' },
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: periodStart,
    currency: 'usd',
    customer: f.customerId,
    days_until_due: null,
    default_payment_method: f.paymentMethodId,
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: {
      object: 'list',
      data: [
        {
          id: `si_${f.subscriptionId.slice(4)}`,
          object: 'subscription_item',
          created: periodStart,
          current_period_end: periodEnd,
          current_period_start: periodStart,
          discounts: [],
          metadata: {},
          price: price(f),
          quantity: 1,
          subscription: f.subscriptionId,
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${f.subscriptionId}`,
    },
    latest_invoice: f.invoiceId,
    livemode: false,
    metadata: { tenantId: f.tenantId },
    pause_collection: null,
    pending_update: null,
    schedule: null,
    start_date: periodStart,
    status: 'active',
    test_clock: null,
    trial_end: null,
    trial_start: null,
    ...state,
  };
}

type InvoiceState = 'draft' | 'open' | 'paid' | 'payment_failed' | 'void' | 'uncollectible';

function invoice(f: FixtureContext, state: InvoiceState): Record<string, unknown> {
  const periodStart = f.created - 30 * DAY;
  const paid = state === 'paid';
  const failed = state === 'payment_failed';
  const finalized = state !== 'draft';
  const status = failed ? 'open' : state;
  return {
    id: f.invoiceId,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Comply-AI',
    amount_due: f.amount,
    amount_overpaid: 0,
    amount_paid: paid ? f.amount : 0,
    amount_remaining: paid ? 0 : f.amount,
    amount_shipping: 0,
    attempt_count: paid || failed ? 1 : 0,
    attempted: paid || failed,
    auto_advance: !paid && status !== 'void' && status !== 'uncollectible',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: f.created - 3_600,
    currency: 'usd',
    customer: f.customerId,
    customer_email: `billing@${domainOf(f.tenantId)}`,
    customer_name: `${f.tenantId} Inc.`,
    default_payment_method: null,
    description: null,
    discounts: [],
    due_date: null,
    effective_at: finalized ? f.created - 3_000 : null,
    ending_balance: finalized ? 0 : null,
    hosted_invoice_url: finalized ? `https://invoice.stripe.com/i/acct_test/${f.invoiceId}` : null,
    invoice_pdf: finalized ? `https://pay.stripe.com/invoice/acct_test/${f.invoiceId}/pdf` : null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    lines: {
      object: 'list',
      data: [
        {
          id: `il_${f.invoiceId.slice(3)}`,
          object: 'line_item',
          amount: f.amount,
          currency: 'usd',
          description: `1 × ${f.plan} (at $${(f.amount / 100).toFixed(2)} / month)`,
          invoice: f.invoiceId,
          livemode: false,
          metadata: {},
          parent: { subscription_item_details: { subscription: f.subscriptionId, subscription_item: `si_${f.subscriptionId.slice(4)}` }, type: 'subscription_item_details' },
          period: { end: f.created, start: periodStart },
          pricing: { price_details: { price: f.priceId, product: `prod_${f.plan}` }, type: 'price_details', unit_amount_decimal: String(f.amount) },
          quantity: 1,
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/invoices/${f.invoiceId}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: failed ? f.created + 3 * DAY : status === 'open' ? f.created + 3_600 : null,
    number: finalized ? `${f.customerId.slice(4, 12).toUpperCase()}-0001` : null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { tenantId: f.tenantId }, subscription: f.subscriptionId },
      type: 'subscription_details',
    },
    period_end: f.created,
    period_start: periodStart,
    receipt_number: null,
    starting_balance: 0,
    statement_descriptor: null,
    status,
    status_transitions: {
      finalized_at: finalized ? f.created - 3_000 : null,
      marked_uncollectible_at: status === 'uncollectible' ? f.created : null,
      paid_at: paid ? f.created : null,
      voided_at: status === 'void' ? f.created : null,
    },
    subtotal: f.amount,
    subtotal_excluding_tax: f.amount,
    test_clock: null,
    total: f.amount,
    total_discount_amounts: [],
    total_excluding_tax: f.amount,
    total_taxes: [],
    webhooks_delivered_at: f.created - 3_590,
  };
}

function paymentIntent(f: FixtureContext, succeeded: boolean): Record<string, unknown> {
  return {
    id: f.paymentIntentId,
    object: 'payment_intent',
    amount: f.amount,
    amount_capturable: 0,
    amount_received: succeeded ? f.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${f.paymentIntentId}_secret_${randomStripeId('x').slice(2)}`,
    confirmation_method: 'automatic',
    created: f.created - 5,
    currency: 'usd',
    customer: f.customerId,
    description: 'Subscription update',
    last_payment_error: succeeded
      ? null
      : {
          charge: f.chargeId,
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          doc_url: 'https://stripe.com/docs/error-codes/card-declined',
          message: 'Your card has insufficient funds.',
          type: 'card_error',
        },
    latest_charge: f.chargeId,
    livemode: false,
    metadata: {},
    next_action: null,
    payment_method: f.paymentMethodId,
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    setup_future_usage: 'off_session',
    status: succeeded ? 'succeeded' : 'requires_payment_method',
  };
}

function cardDetails(): Record<string, unknown> {
  return { brand: 'visa', country: 'US', exp_month: 12, exp_year: 2030, fingerprint: 'Xt5EWLLDS7FJjR1c', funding: 'credit', last4: '4242' };
}

function charge(f: FixtureContext): Record<string, unknown> {
  return {
    id: f.chargeId,
    object: 'charge',
    amount: f.amount,
    amount_captured: f.amount,
    amount_refunded: f.amount,
    balance_transaction: randomStripeId('txn'),
    billing_details: { address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null }, email: null, name: null, phone: null },
    captured: true,
    created: f.created - 86_400,
    currency: 'usd',
    customer: f.customerId,
    description: 'Subscription update',
    disputed: false,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    payment_intent: f.paymentIntentId,
    payment_method: f.paymentMethodId,
    payment_method_details: { card: cardDetails(), type: 'card' },
    receipt_url: `https://pay.stripe.com/receipts/acct_test/${f.chargeId}`,
    refunded: true,
    status: 'succeeded',
  };
}

function dispute(f: FixtureContext): Record<string, unknown> {
  return {
    id: `du_${f.chargeId.slice(3)}`,
    object: 'dispute',
    amount: f.amount,
    balance_transactions: [],
    charge: f.chargeId,
    created: f.created,
    currency: 'usd',
    evidence: { customer_email_address: null, product_description: null, uncategorized_text: null },
    evidence_details: { due_by: f.created + 7 * DAY, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: f.paymentIntentId,
    reason: 'fraudulent',
    status: 'needs_response',
  };
}

function paymentMethod(f: FixtureContext, customerId: string | null): Record<string, unknown> {
  return {
    id: f.paymentMethodId,
    object: 'payment_method',
    allow_redisplay: 'always',
    billing_details: { address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null }, email: null, name: null, phone: null },
    card: {
      ...cardDetails(),
      checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
      display_brand: 'visa',
      generated_from: null,
      networks: { available: ['visa'], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: f.created - 120,
    customer: customerId,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

function checkoutSession(f: FixtureContext): Record<string, unknown> {
  return {
    id: `cs_test_${f.subscriptionId.slice(4)}`,
    object: 'checkout.session',
    amount_subtotal: f.amount,
    amount_total: f.amount,
    billing_address_collection: null,
    cancel_url: 'https://app.comply.example/billing',
    client_reference_id: f.tenantId,
    created: f.created - 300,
    currency: 'usd',
    customer: f.customerId,
    customer_creation: 'always',
    customer_details: { address: null, email: `billing@${domainOf(f.tenantId)}`, name: `${f.tenantId} Inc.`, phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: null,
    expires_at: f.created + DAY,
    invoice: f.invoiceId,
    livemode: false,
    locale: null,
    metadata: {},
    mode: 'subscription',
    payment_intent: null,
    payment_method_types: ['card'],
    payment_status: 'paid',
    status: 'complete',
    subscription: f.subscriptionId,
    success_url: 'https://app.comply.example/billing?checkout=done',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
  };
}
