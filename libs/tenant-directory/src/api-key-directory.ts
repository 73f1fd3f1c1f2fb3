import type { ApiKeyScope, TenantStatus } from '@comply/contracts';

/** What authenticating an API key needs to know of it and its tenant. */
export interface ApiKeyCredentials {
  keyId: string;
  tenantId: string;
  secretHash: string;
  scopes: ApiKeyScope[];
  revokedAt: Date | null;
  /** undefined: this replica has not heard of the tenant yet */
  tenantStatus: TenantStatus | undefined;
}

/**
 * Where the authenticator finds keys: core-store's own tables, or another service's replica of
 * them. Looked up by prefix because the tenant is not known until the key is.
 */
export interface ApiKeyDirectory {
  findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined>;
  /** optional: record last use (core-store does) */
  recordUse?(tenantId: string, keyId: string, usedAt: Date): Promise<void>;
}

export const API_KEY_DIRECTORY = Symbol('ApiKeyDirectory');
