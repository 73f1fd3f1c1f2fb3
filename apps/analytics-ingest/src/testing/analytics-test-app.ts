import { API_KEY_SCOPES, type ApiKeyScope } from '@comply/contracts';
import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { generateApiKey } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { analyticsService } from '../analytics-service';
import { RollupMaintenance } from '../maintenance/rollup-maintenance';

export type { HttpResult, RequestOptions } from '@comply/service-testing';

export interface AnalyticsTestTenant {
  id: string;
  /** An API key with the scopes the tenant was created with. */
  key: string;
  keyWith(scopes: ApiKeyScope[]): Promise<string>;
}

export interface AnalyticsTestApp extends ServiceTestApp {
  /** An active tenant in the directory replica with one API key, inserted directly (as tenant-events would leave them). */
  createTenant(id: string, scopes?: ApiKeyScope[]): Promise<AnalyticsTestTenant>;
  /** The service's maintenance job, to run a round now. */
  maintenance: RollupMaintenance;
}

/** analytics-ingest in-process on real infrastructure; maintenance runs on start and then only when a test asks. */
export async function startAnalyticsTestApp(options: ServiceTestAppOptions = {}): Promise<AnalyticsTestApp> {
  const app = await startServiceTestApp(analyticsService, { ...options, env: { ANALYTICS_MAINTENANCE_INTERVAL_MS: '3600000', ...options.env } });

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
    maintenance: app.service.app.get(RollupMaintenance),
    async createTenant(id, scopes = [...API_KEY_SCOPES]) {
      await app.sql(
        `insert into directory_tenants (tenant_id, name, plan, status, retention_days, version, changed_at) values ($1, $1, 'free', 'active', 365, 1, now())`,
        [id],
      );
      return { id, key: await addKey(id, scopes), keyWith: (keyScopes) => addKey(id, keyScopes) };
    },
  };
}
