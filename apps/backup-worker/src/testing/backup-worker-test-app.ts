import { API_KEY_SCOPES, BACKUP_DATABASES } from '@comply/contracts';
import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { createTestDatabase, queryOnce, testAdminUrl, testBlobConnectionString, testContainerName, type TestDatabase } from '@comply/testing';
import { generateApiKey } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupWorkerService } from '../backup-worker-service';
import { intervalVariable, sourceDatabaseVariable } from '../backup-worker-settings';

export type { HttpResult } from '@comply/service-testing';

export interface BackupWorkerTestApp extends ServiceTestApp {
  /** The scratch `core` database this worker backs up (BACKUP_SOURCE_CORE_DB). */
  core: TestDatabase;
  /** The environment the app runs with, for a CLI process pointed at the same databases and container. */
  env: Record<string, string>;
  /** `count` storage records of a new tenant `tenantId` in core, as the superuser. */
  seedCore(tenantId: string, count: number): Promise<void>;
  /** An active tenant in this worker's directory replica, with an API key of every scope. */
  tenantKey(tenantId: string): Promise<string>;
}

const RECORD_COLUMNS =
  'tenant_id, request_id, detector_name, detector_type, detector_version, model_version, taxonomy, taxonomy_paths, scores, confidence, latency_ms, source_data, correlation_id, occurred_at, expires_at';

/**
 * backup-worker in-process on real infrastructure, backing up a scratch `core` database of its own
 * into a container of its own on the harness's blob storage, with a key file of its own. No
 * schedules run: tests start backups, drills and retention themselves.
 */
export async function startBackupWorkerTestApp(options: ServiceTestAppOptions = {}): Promise<BackupWorkerTestApp> {
  const keys = mkdtempSync(join(tmpdir(), 'backup-worker-keys-'));
  const core = await createTestDatabase('core');
  const env: Record<string, string> = {
    BLOB_CONNECTION_STRING: testBlobConnectionString(),
    BLOB_CONTAINER: testContainerName('backups'),
    LOCAL_KEK_FILE: join(keys, 'kek.json'),
    [sourceDatabaseVariable('core')]: core.name,
    ...Object.fromEntries(BACKUP_DATABASES.map((database) => [intervalVariable(database), '0'])),
    BACKUP_VERIFY_INTERVAL_MS: '0',
    BACKUP_START_DELAY_MS: '3600000',
    BACKUP_RESTORE_ADMIN_URL: testAdminUrl(),
    ...options.env,
  };
  let app: ServiceTestApp;
  try {
    app = await startServiceTestApp(backupWorkerService, { ...options, env }, () => rmSync(keys, { recursive: true, force: true }));
  } catch (error) {
    await core.drop();
    throw error;
  }
  const catalog = app.database;
  return {
    ...app,
    core,
    env: { ...env, ...catalog.serviceEnv },
    async seedCore(tenantId, count) {
      await queryOnce(core.adminUrl, `insert into tenants (id, name) values ($1, $1)`, [tenantId]);
      await queryOnce(
        core.adminUrl,
        `insert into storage_records (id, created_at, ${RECORD_COLUMNS})
         select gen_random_uuid(), now(), $1, gen_random_uuid()::text, 'presidio', 'pii', '2.2', 'mapper-1',
           array['PII.Person.Name'], array['PII', 'PII.Person', 'PII.Person.Name'], '{}', 0.9, 3,
           'v1.k.ciphertext-' || g, 'corr', now(), now() + interval '30 days'
         from generate_series(1, $2::int) g`,
        [tenantId, count],
      );
    },
    async tenantKey(tenantId) {
      await app.sql(
        `insert into directory_tenants (tenant_id, name, plan, status, retention_days, version, changed_at) values ($1, $1, 'free', 'active', 365, 1, now())`,
        [tenantId],
      );
      const { key, prefix, secretHash } = generateApiKey();
      await app.sql(`insert into directory_api_keys (key_id, tenant_id, prefix, secret_hash, scopes, created_at, version) values ($1, $2, $3, $4, $5, now(), 1)`, [
        randomUUID(),
        tenantId,
        prefix,
        secretHash,
        [...API_KEY_SCOPES],
      ]);
      return key;
    },
    async close() {
      await app.close();
      await core.drop();
    },
  };
}
