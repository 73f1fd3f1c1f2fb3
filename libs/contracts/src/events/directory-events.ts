import { z } from 'zod';
import { boundedText, nonNegativeInt32, tenantId, timestamp } from './shared-fields';

/**
 * The tenant directory: core-store owns tenants and API keys and announces every change on
 * `tenant-events`, so that each other service keeps a replica and authenticates keys locally.
 * Every event carries the entity's full current state and its `version`; a replica applies an
 * event only when its version is newer than what it holds, so redelivered, replayed or reordered
 * events converge on the same state.
 */

export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const TENANT_STATUSES = ['active', 'suspended', 'erased'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

const version = z
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Increases with every change of this tenant or key; a replica ignores an event whose version is not newer than the one it holds.');

const tenantState = {
  tenantId,
  name: boundedText(200).describe('Display name of the tenant.'),
  plan: boundedText(50).describe('Billing plan name, e.g. "free", "pro".'),
  status: z.enum(TENANT_STATUSES).describe('"active" (keys work), "suspended" (keys are refused with 403), "erased" (gone for good).'),
  retentionDays: nonNegativeInt32().min(1).max(36_500).describe('How long records of this tenant are kept, in days.'),
  version,
  occurredAt: timestamp.describe('When core-store committed this state: ISO 8601 with offset.'),
};

export const tenantCreatedV1 = z
  .strictObject(tenantState)
  .describe('tenant.created.v1: core-store created a tenant. Topic tenant-events; the full state, versioned.');
export type TenantCreatedV1 = z.infer<typeof tenantCreatedV1>;

export const tenantUpdatedV1 = z
  .strictObject(tenantState)
  .describe('tenant.updated.v1: a tenant was renamed, re-planned, suspended, reactivated or reconfigured, or its state was republished. Topic tenant-events.');
export type TenantUpdatedV1 = z.infer<typeof tenantUpdatedV1>;

export const tenantErasedV1 = z
  .strictObject({
    tenantId,
    version,
    occurredAt: timestamp.describe('When core-store erased the tenant: ISO 8601 with offset.'),
  })
  .describe("tenant.erased.v1: core-store erased a tenant and its data. Each consuming service erases its own part. Topic tenant-events.");
export type TenantErasedV1 = z.infer<typeof tenantErasedV1>;

/** The 12-character public part of a `csk_<prefix>_<secret>` key. */
export const apiKeyPrefix = z
  .string()
  .regex(/^[A-Za-z0-9-]{12}$/)
  .describe('Public prefix of the key (`csk_<prefix>_<secret>`): 12 characters, letters, digits and "-".');

const apiKeyState = {
  tenantId,
  keyId: z.uuid().describe('Id of the API key.'),
  prefix: apiKeyPrefix,
  secretHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('Lower-case hex SHA-256 of the secret part of the key. The secret itself never leaves core-store.'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .max(API_KEY_SCOPES.length)
    .describe('What the key may do.'),
  createdAt: timestamp.describe('When the key was issued: ISO 8601 with offset.'),
  version,
};

export const apiKeyCreatedV1 = z
  .strictObject(apiKeyState)
  .describe('apikey.created.v1: core-store issued an API key (or republished a valid one). Topic tenant-events.');
export type ApiKeyCreatedV1 = z.infer<typeof apiKeyCreatedV1>;

export const apiKeyRevokedV1 = z
  .strictObject({ ...apiKeyState, revokedAt: timestamp.describe('When the key was revoked: ISO 8601 with offset.') })
  .describe('apikey.revoked.v1: an API key was revoked; it carries the whole key, so a replica that never saw it created still refuses it. Topic tenant-events.');
export type ApiKeyRevokedV1 = z.infer<typeof apiKeyRevokedV1>;
