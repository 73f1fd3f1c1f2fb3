import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, platformSettings, SERVICES } from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';
import { isStripeFixtureEventType, STRIPE_FIXTURE_EVENT_TYPES, StripeFixtureEventType } from '../stripe-event-fixtures';
import { sendStripeEvents } from './stripe-event-sender';
import { webhookSigningSecret } from './webhook-signing-secret';

const USAGE = `Usage: npm run stripe:send -- <event-type> [<event-type> ...] --tenant <id>
         [--customer cus_…] [--subscription sub_…] [--invoice in_…] [--plan starter] [--status past_due] [--url http://127.0.0.1:3002]

Signs realistic Stripe events with the local webhook secret (STRIPE_WEBHOOK_SECRETS, else the one
\`npm start\` keeps in DATA_DIR/stripe-webhook-secret) and posts them to billing's POST /webhooks/stripe.
Ids default to ones derived from the tenant, so successive commands concern the same objects.

Event types: ${STRIPE_FIXTURE_EVENT_TYPES.join(', ')}`;

/** `npm run stripe:send`: Stripe webhooks for local use, without a Stripe account. */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      customer: { type: 'string' },
      subscription: { type: 'string' },
      invoice: { type: 'string' },
      plan: { type: 'string' },
      status: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = positionals.filter((type) => !isStripeFixtureEventType(type));
  if (!values.tenant || positionals.length === 0 || unknown.length > 0) {
    if (unknown.length > 0) process.stderr.write(`stripe:send: no fixture for ${unknown.join(', ')}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(platformSettings);
  const secret = webhookSigningSecret(process.env, resolve(workspaceRoot(__dirname), config.DATA_DIR));
  if (!secret) {
    process.stderr.write('stripe:send: no webhook secret: set STRIPE_WEBHOOK_SECRETS, or run `npm start` once, which keeps one in DATA_DIR/stripe-webhook-secret.\n');
    return 2;
  }
  const billingPort = config.SERVICE_PORT_BASE + SERVICES.findIndex((service) => service.name === 'billing');
  const sent = await sendStripeEvents({
    url: values.url ?? `http://127.0.0.1:${billingPort}`,
    secret,
    types: positionals as StripeFixtureEventType[],
    fixture: {
      tenantId: values.tenant,
      customerId: values.customer,
      subscriptionId: values.subscription,
      invoiceId: values.invoice,
      plan: values.plan,
      ...(values.status ? { object: { status: values.status } } : {}),
    },
  });
  for (const event of sent) process.stdout.write(`${event.type} ${event.id}: ${event.status} ${event.body}\n`);
  process.stdout.write('Processing status: GET /admin/stripe/events (Authorization: Bearer $ADMIN_TOKEN).\n');
  return sent.every((event) => event.status >= 200 && event.status < 300) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stripe:send: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
