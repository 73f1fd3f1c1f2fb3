import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { billingService } from '../billing-service';

export type { HttpResult, OutboxRow, RequestOptions } from '@comply/service-testing';

/** The signing secret billing test apps verify webhooks with. */
export const TEST_WEBHOOK_SECRET = 'whsec_billing_test_secret';

export type BillingTestApp = ServiceTestApp;

/** billing in-process on real infrastructure, verifying webhooks with TEST_WEBHOOK_SECRET. */
export function startBillingTestApp(options: ServiceTestAppOptions = {}): Promise<BillingTestApp> {
  return startServiceTestApp(billingService, { ...options, env: { STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, ...options.env } });
}
