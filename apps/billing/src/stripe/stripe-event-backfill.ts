import { parseContract, stripeWebhookEvent } from '@comply/contracts';
import type Stripe from 'stripe';
import { storedStripeEvent } from './stored-stripe-event';
import { BillingExecutor, StripeEventsRepository } from './stripe-events.repository';

/** Events per page of Stripe's Events API (its maximum). */
const PAGE_SIZE = 100;

export interface BackfillOptions {
  /** Only events created at or after this instant; Stripe keeps events for 30 days. */
  since?: Date;
  /** Told about each page and each event that is not one billing can store. */
  log?: (line: string) => void;
}

export interface BackfillResult {
  /** Events Stripe listed. */
  listed: number;
  /** New ones, stored pending: the running billing service processes them like webhook deliveries. */
  stored: number;
  /** Already stored (delivered by webhook or an earlier backfill): untouched. */
  alreadyStored: number;
  /** Not a storable event (refused like a webhook body would be), by id. */
  refused: string[];
}

/**
 * Pages through Stripe's Events API (`events.list`, newest first, `starting_after` the last id
 * of the previous page) and stores each event as the webhook does: a redelivered id is a no-op.
 * Catches up after an outage longer than Stripe's webhook retries, or for a new endpoint.
 */
export async function backfillStripeEvents(stripe: Stripe, db: BillingExecutor, events: StripeEventsRepository, options: BackfillOptions = {}): Promise<BackfillResult> {
  const result: BackfillResult = { listed: 0, stored: 0, alreadyStored: 0, refused: [] };
  const created = options.since ? { gte: Math.floor(options.since.getTime() / 1000) } : undefined;
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripe.events.list({ limit: PAGE_SIZE, ...(created ? { created } : {}), ...(startingAfter ? { starting_after: startingAfter } : {}) });
    for (const listed of page.data) {
      result.listed++;
      const parsed = parseContract(stripeWebhookEvent, listed);
      if (!parsed.ok) {
        result.refused.push(listed.id);
        options.log?.(`refused ${listed.id}: ${parsed.issues.map((issue) => issue.path || '(event)').join(', ')}`);
        continue;
      }
      if (await events.insert(db, storedStripeEvent(parsed.value))) result.stored++;
      else result.alreadyStored++;
    }
    options.log?.(`listed ${result.listed} event(s), ${result.stored} new`);
    if (!page.has_more || page.data.length === 0) return result;
    startingAfter = page.data[page.data.length - 1].id;
  }
}
