import { createHash, randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { LoadTenant } from './fault-platform';

/** What the webhook load did, by Stripe event id. */
export interface WebhookTally {
  /** Answered 200: billing has stored the event and owes it processing. */
  accepted: Set<string>;
  /** Sent, never answered 200 before the load gave up: stored or not, both are right. */
  unconfirmed: Set<string>;
  /** Answers that are neither 200 nor a fault's (a 4xx), with their bodies: each one is a finding. */
  refused: string[];
  /** Deliveries that failed and were sent again, as Stripe retries: same event, signed anew. */
  retries: number;
}

export interface RunningWebhooks {
  tally: WebhookTally;
  /** Stops sending, redelivers what is unanswered for at most `settleMs`. */
  stop(settleMs: number): Promise<void>;
}

const RETRY_PAUSE_MS = 500;

/** The Stripe customer of a load tenant: one per tenant, as billing creates it. */
function customerIdOf(tenantId: string): string {
  return `cus_${createHash('sha256').update(tenantId).digest('hex').slice(0, 14)}`;
}

/** A `customer.updated` event as Stripe sends it when a tenant's billing contact changes; a new event id each time. */
function customerUpdated(tenantId: string, sequence: number): string {
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'customer.updated',
    data: {
      object: { id: customerIdOf(tenantId), object: 'customer', created: created - 86_400, email: `billing-${sequence}@${tenantId}.example`, name: `Tenant ${tenantId}`, metadata: { tenantId } },
      previous_attributes: { email: `billing-${sequence - 1}@${tenantId}.example` },
    },
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stripe webhooks at a steady rate, round robin over the tenants, signed with billing's secret. A
 * delivery that fails (billing killed or restarting, a 5xx) is sent again with the same event, as
 * Stripe redelivers, until billing answers 200: its event store must take each event once.
 */
export function startStripeWebhooks(billingUrl: string, secret: string, tenants: LoadTenant[], ratePerSecond: number): RunningWebhooks {
  const tally: WebhookTally = { accepted: new Set(), unconfirmed: new Set(), refused: [], retries: 0 };
  let sending = true;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();

  const deliver = async (payload: string) => {
    const eventId = (JSON.parse(payload) as { id: string }).id;
    for (;;) {
      let outcome: 'accepted' | 'retry' | string;
      try {
        const response = await fetch(`${billingUrl}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) },
          body: payload,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        outcome = response.status === 200 ? 'accepted' : response.status >= 500 ? 'retry' : `${response.status} ${text.slice(0, 300)}`;
      } catch {
        outcome = 'retry';
      }
      if (outcome === 'accepted') {
        tally.accepted.add(eventId);
        return;
      }
      if (outcome !== 'retry') {
        tally.refused.push(`${eventId}: ${outcome}`);
        return;
      }
      tally.retries++;
      if (Date.now() > giveUpAt) {
        tally.unconfirmed.add(eventId);
        return;
      }
      await pause(RETRY_PAUSE_MS);
    }
  };

  const send = async () => {
    const started = Date.now();
    let sent = 0;
    while (sending) {
      const due = Math.floor(((Date.now() - started) / 1000) * ratePerSecond) - sent;
      for (let i = 0; i < due; i++) {
        const tenant = tenants[sent % tenants.length];
        const work = deliver(customerUpdated(tenant.id, sent));
        sent++;
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      }
      await pause(100);
    }
  };
  const sender = send();

  return {
    tally,
    async stop(settleMs) {
      sending = false;
      await sender;
      giveUpAt = Date.now() + settleMs;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
