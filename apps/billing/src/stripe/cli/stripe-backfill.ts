import { parseArgs } from 'node:util';
import { ConfigError } from '@comply/config';
import { createServiceRuntime } from '@comply/service-runtime';
import { billingSettings } from '../../billing-settings';
import { BillingDatabase } from '../../database/billing-database';
import { billingSchema } from '../../database/schema';
import { backfillStripeEvents } from '../stripe-event-backfill';
import { stripeClientFor } from '../stripe-client';
import { StripeEventsRepository } from '../stripe-events.repository';

const USAGE = `Usage: npm run stripe:backfill [-- --since 2026-01-31T00:00:00Z]

Pages through Stripe's Events API (the last 30 days, or since --since) and stores every event billing
has not stored yet, exactly as the webhook does; the running billing service then processes them.
Needs STRIPE_API_KEY, and billing's database settings (DB_HOST, DB_PORT, ...) as billing has them.`;

/** `npm run stripe:backfill`: catches up with events Stripe could not deliver (an outage longer than its retries, a new endpoint). */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { since: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`stripe:backfill: --since is not a date: ${values.since}\n${USAGE}\n`);
    return 2;
  }
  const runtime = createServiceRuntime({ service: 'billing', settings: billingSettings, schema: billingSchema, messaging: false });
  try {
    const stripe = stripeClientFor(runtime.config.STRIPE_API_KEY);
    if (!stripe) {
      process.stderr.write('stripe:backfill needs STRIPE_API_KEY (a Stripe secret or restricted key with read access to events); nothing was read or stored.\n');
      return 2;
    }
    const database = runtime.database as unknown as BillingDatabase;
    const result = await backfillStripeEvents(stripe, database.db, new StripeEventsRepository(), { since, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(
      `Stripe listed ${result.listed} event(s): ${result.stored} stored, ${result.alreadyStored} already stored, ${result.refused.length} refused.\n`,
    );
    return result.refused.length === 0 ? 0 : 1;
  } finally {
    await runtime.database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stripe:backfill: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
