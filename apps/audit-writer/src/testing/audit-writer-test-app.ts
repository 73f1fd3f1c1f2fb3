import { API_KEY_SCOPES, EVENT_EXAMPLES, type ApiKeyScope, type AuditEventV1 } from '@comply/contracts';
import type { IncomingEvent } from '@comply/messaging';
import { startServiceTestApp, type ServiceTestApp, type ServiceTestAppOptions } from '@comply/service-testing';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { generateApiKey } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditWriterService } from '../audit-writer-service';
import { AuditCaptureService, RejectEvent } from '../capture/audit-capture.service';
import { AuditDatabase } from '../database/audit-database';

export type { HttpResult } from '@comply/service-testing';

export interface AuditWriterTestApp extends ServiceTestApp {
  /** An active tenant in the directory replica with one API key of `scopes`. */
  createTenant(id: string, scopes?: ApiKeyScope[]): Promise<{ id: string; key: string }>;
  /** Appends events through the capture service in one transaction, as one batch of the handler would. */
  append(events: IncomingEvent<'audit.event.v1'>[], reject?: RejectEvent): Promise<void>;
}

/** An audit.event.v1 as it arrives, for `tenantId` (undefined: the platform log). */
export function incomingAudit(tenantId: string | undefined, overrides: Partial<AuditEventV1> = {}, messageId: string = randomUUID()): IncomingEvent<'audit.event.v1'> {
  const payload: AuditEventV1 = { ...EVENT_EXAMPLES['audit.event.v1'], tenantId, correlationId: `corr-${messageId}`, ...overrides };
  return { type: 'audit.event.v1', messageId, correlationId: payload.correlationId, tenantId, payload, deliveryCount: 0 };
}

/**
 * audit-writer in-process on real infrastructure: checkpoints go to a container of its own on the
 * harness's blob storage, signed with a key file of its own; the periodic checkpoint waits an hour,
 * so tests sign when they ask (POST /v1/audit/checkpoints) unless they set the interval.
 */
export async function startAuditWriterTestApp(options: ServiceTestAppOptions = {}): Promise<AuditWriterTestApp> {
  const keys = mkdtempSync(join(tmpdir(), 'audit-writer-keys-'));
  const env = {
    BLOB_CONNECTION_STRING: testBlobConnectionString(),
    AUDIT_CHECKPOINT_CONTAINER: testContainerName('audit-checkpoints'),
    AUDIT_ARCHIVE_CONTAINER: testContainerName('audit-archive'),
    AUDIT_SIGNING_KEY_FILE: join(keys, 'checkpoint-signing-key.pem'),
    AUDIT_CHECKPOINT_INTERVAL_MS: '3600000',
    ...options.env,
  };
  const app = await startServiceTestApp(auditWriterService, { ...options, env }, () => rmSync(keys, { recursive: true, force: true }));
  const database = app.service.runtime.database as AuditDatabase;
  const capture = app.service.app.get(AuditCaptureService);
  return {
    ...app,
    async createTenant(id, scopes = [...API_KEY_SCOPES]) {
      await app.sql(
        `insert into directory_tenants (tenant_id, name, plan, status, retention_days, version, changed_at) values ($1, $1, 'free', 'active', 365, 1, now())`,
        [id],
      );
      const { key, prefix, secretHash } = generateApiKey();
      await app.sql(
        `insert into directory_api_keys (key_id, tenant_id, prefix, secret_hash, scopes, created_at, version) values ($1, $2, $3, $4, $5, now(), 1)`,
        [randomUUID(), id, prefix, secretHash, scopes],
      );
      return { id, key };
    },
    async append(events, reject = () => undefined) {
      await database.db.transaction((tx) => capture.append(tx, events, reject));
    },
  };
}
