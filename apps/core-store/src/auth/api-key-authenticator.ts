import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { CoreStoreConfig } from '../core-store-settings';
import { parseApiKey, secretMatches } from './api-key';
import { ApiKeyCredentials, ApiKeyCredentialsRepository } from './api-key-credentials.repository';

export type Authentication =
  | { ok: true; tenantId: string; keyId: string; scopes: ApiKeyScope[] }
  | { ok: false; status: 401 | 403; reason: string };

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Verifies `Authorization: Bearer <api key>`. Keys are looked up by prefix through a definer
 * function (the tenant is not known yet, and the app role cannot read across tenants), then
 * remembered for API_KEY_CACHE_TTL_MS so a hot path costs no query.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly remembered = new Map<string, { row: ApiKeyCredentials; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: CoreStoreConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly credentials: ApiKeyCredentialsRepository,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return { ok: false, status: 401, reason: 'Missing bearer token: send Authorization: Bearer <api key>' };
    const parsed = parseApiKey(match[1]);
    if (!parsed) return { ok: false, status: 401, reason: 'Invalid API key' };
    const row = await this.lookup(parsed.prefix);
    if (!row || !secretMatches(parsed.secret, row.secret_hash) || row.revoked_at || row.tenant_status === 'erased') {
      return { ok: false, status: 401, reason: 'Invalid API key' };
    }
    if (row.tenant_status !== 'active') return { ok: false, status: 403, reason: `Tenant ${row.tenant_id} is ${row.tenant_status}` };
    this.touch(row);
    return { ok: true, tenantId: row.tenant_id, keyId: row.id, scopes: row.scopes };
  }

  /** Drops what this process remembers of a key (after revocation here). */
  forget(prefix: string): void {
    this.remembered.delete(prefix);
  }

  /** Drops every remembered key of a tenant (after suspension or erasure here). */
  forgetTenant(tenantId: string): void {
    for (const [prefix, entry] of this.remembered) if (entry.row.tenant_id === tenantId) this.remembered.delete(prefix);
  }

  private async lookup(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const now = Date.now();
    const cached = this.remembered.get(prefix);
    if (cached && cached.until > now) return cached.row;
    const row = await this.credentials.findByPrefix(prefix);
    if (row && this.config.API_KEY_CACHE_TTL_MS > 0) this.remembered.set(prefix, { row, until: now + this.config.API_KEY_CACHE_TTL_MS });
    else this.remembered.delete(prefix);
    return row;
  }

  /** Records last use at minute resolution, off the request path. */
  private touch(row: ApiKeyCredentials): void {
    const now = Date.now();
    if ((this.lastUsedWritten.get(row.id) ?? 0) > now - LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(row.id, now);
    this.credentials
      .recordUse(row.tenant_id, row.id, new Date(now))
      .catch((error: unknown) => this.logger.warn({ err: error, keyId: row.id }, 'could not record API key use'));
  }
}
