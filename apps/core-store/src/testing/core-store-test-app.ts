import type { ApiKeyScope } from '@comply/contracts';
import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { generateApiKey } from '@comply/tenant-directory';
import { testRedisUrl } from '@comply/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreStoreService } from '../core-store-service';

export type { HttpResult, OutboxRow, RequestOptions } from '@comply/service-testing';

export interface TestAppOptions extends ServiceTestAppOptions {
  /** Cache in Redis (default) or, with false, in process. */
  redis?: boolean;
}

export interface TestTenant {
  id: string;
  /** An API key with every scope. */
  key: string;
  keyWith(scopes: ApiKeyScope[]): Promise<string>;
}

export interface CoreStoreTestApp extends ServiceTestApp {
  /** A tenant inserted directly (not through the admin API), with its config and an all-scope API key. */
  createTenant(id: string, options?: { monthlyRecordQuota?: number; retentionDays?: number; allowedDetectors?: string[] }): Promise<TestTenant>;
}

/** core-store in-process on real infrastructure, with a key-encryption key of its own and, by default, Redis. */
export async function startCoreStoreTestApp(options: TestAppOptions = {}): Promise<CoreStoreTestApp> {
  const keyDir = mkdtempSync(join(tmpdir(), 'core-store-kek-'));
  const app = await startServiceTestApp(
    coreStoreService,
    {
      ...options,
      env: {
        LOCAL_KEK_FILE: join(keyDir, 'kek.json'),
        ...(options.redis === false ? {} : { REDIS_URL: testRedisUrl() }),
        ...options.env,
      },
    },
    () => rmSync(keyDir, { recursive: true, force: true }),
  );

  async function addKey(tenantId: string, scopes: ApiKeyScope[]): Promise<string> {
    const { key, prefix, secretHash } = generateApiKey();
    await app.sql(`insert into api_keys (tenant_id, name, prefix, secret_hash, scopes) values ($1, 'test', $2, $3, $4)`, [tenantId, prefix, secretHash, scopes]);
    return key;
  }

  return {
    ...app,
    async createTenant(id, tenantOptions = {}) {
      await app.sql(`insert into tenants (id, name) values ($1, $1)`, [id]);
      await app.sql(
        `insert into tenant_configs (tenant_id, retention_days, monthly_record_quota, allowed_detectors) values ($1, $2, $3, $4)`,
        [id, tenantOptions.retentionDays ?? 365, tenantOptions.monthlyRecordQuota ?? null, tenantOptions.allowedDetectors ?? null],
      );
      return { id, key: await addKey(id, ['ingest', 'read', 'admin']), keyWith: (scopes) => addKey(id, scopes) };
    },
  };
}
