import { API_KEY_SCOPES, type ApiKeyScope } from '@comply/contracts';
import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { generateApiKey } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { billingService } from '../billing-service';

export type { HttpResult, OutboxRow, RequestOptions } from '@comply/service-testing';

/** The signing secret billing test apps verify webhooks with. */
export const TEST_WEBHOOK_SECRET = 'whsec_billing_test_secret';

export interface BillingTestTenant {
  id: string;
  /** An API key with the scopes the tenant was created with. */
  key: string;
  keyWith(scopes: ApiKeyScope[]): Promise<string>;
}

export interface BillingTestApp extends ServiceTestApp {
  /**
   * An active tenant in billing's directory replica with one API key, inserted directly (as
   * tenant-events would leave them, but without the arrival hook: billing opens no account).
   */
  createTenant(id: string, scopes?: ApiKeyScope[]): Promise<BillingTestTenant>;
}

/** billing in-process on real infrastructure, verifying webhooks with TEST_WEBHOOK_SECRET. */
export async function startBillingTestApp(options: ServiceTestAppOptions = {}): Promise<BillingTestApp> {
  const app = await startServiceTestApp(billingService, { ...options, env: { STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, ...options.env } });

  async function addKey(tenantId: string, scopes: ApiKeyScope[]): Promise<string> {
    const { key, prefix, secretHash } = generateApiKey();
    await app.sql(
      `insert into directory_api_keys (key_id, tenant_id, prefix, secret_hash, scopes, created_at, version) values ($1, $2, $3, $4, $5, now(), 1)`,
      [randomUUID(), tenantId, prefix, secretHash, scopes],
    );
    return key;
  }

  return {
    ...app,
    async createTenant(id, scopes = [...API_KEY_SCOPES]) {
      await app.sql(
        `insert into directory_tenants (tenant_id, name, plan, status, retention_days, version, changed_at) values ($1, $1, 'free', 'active', 365, 1, now())`,
        [id],
      );
      return { id, key: await addKey(id, scopes), keyWith: (keyScopes) => addKey(id, keyScopes) };
    },
  };
}
