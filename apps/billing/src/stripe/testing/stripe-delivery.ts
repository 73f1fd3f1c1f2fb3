import { until } from '@comply/testing';
import type { BillingTestApp, HttpResult } from '../../testing/billing-test-app';
import { TEST_WEBHOOK_SECRET } from '../../testing/billing-test-app';
import { stripeSignatureHeader } from '../stripe-event-fixtures';

/** Posts an event to `POST /webhooks/stripe` as Stripe would: pretty-printed JSON, signed now with the test app's secret. */
export function deliverStripeEvent(app: Pick<BillingTestApp, 'request'>, event: object, secret = TEST_WEBHOOK_SECRET): Promise<HttpResult> {
  const body = JSON.stringify(event, null, 2);
  return app.request('POST', '/webhooks/stripe', {
    rawBody: body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignatureHeader(body, secret) },
  });
}

export interface StoredEventState {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  tenant_id: string | null;
}

/** The stored events of these ids once none is pending any more (or as they are when `timeoutMs` runs out). */
export async function settledEvents(app: Pick<BillingTestApp, 'sql'>, ids: string[], timeoutMs = 30_000): Promise<StoredEventState[]> {
  return until(
    () => app.sql<StoredEventState>('select id, status, attempts, last_error, tenant_id from stripe_events where id = any($1) order by created_at, id', [ids]),
    (rows) => rows.length === ids.length && rows.every((row) => row.status !== 'pending'),
    { timeoutMs, intervalMs: 50 },
  );
}
