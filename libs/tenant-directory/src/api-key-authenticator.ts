import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { LOGGER, SERVICE_CONFIG, type CommonServiceConfig } from '@comply/service-runtime';
import { parseApiKey, secretMatches } from './api-key';
import { API_KEY_DIRECTORY, ApiKeyCredentials, type ApiKeyDirectory } from './api-key-directory';
import { FailedAuthenticationTally, requestOrigin, type Refusal, type RefusalReason } from './failed-authentication-tally';

export type Authentication =
  | { ok: true; tenantId: string; keyId: string; scopes: ApiKeyScope[] }
  | { ok: false; status: 401 | 403; reason: string };

/** One answer for every way a presented key can be wrong, so a caller cannot probe which part was. */
const INVALID_KEY: Authentication = { ok: false, status: 401, reason: 'Invalid API key' };
const MISSING_TOKEN: Authentication = { ok: false, status: 401, reason: 'Missing bearer token: send Authorization: Bearer <api key>' };

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Verifies `Authorization: Bearer <api key>` against the injected ApiKeyDirectory. Keys are
 * looked up by prefix, then remembered for API_KEY_CACHE_TTL_MS so a hot path costs no query.
 * Every refusal is counted, with its precise reason, in the FailedAuthenticationTally.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly remembered = new Map<string, { row: ApiKeyCredentials; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CommonServiceConfig, 'API_KEY_CACHE_TTL_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(API_KEY_DIRECTORY) private readonly directory: ApiKeyDirectory,
    private readonly tally: FailedAuthenticationTally,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return this.refuse(MISSING_TOKEN, { reason: 'missing_credential' });
    const parsed = parseApiKey(match[1]);
    if (!parsed) return this.refuse(INVALID_KEY, { reason: 'malformed_key' });
    const row = await this.lookup(parsed.prefix);
    if (!row) return this.refuse(INVALID_KEY, { reason: 'unknown_key' });
    const reason = refusalOf(row, parsed.secret);
    // The tenant's log gets the refusal while the directory knows the tenant; else the platform's.
    const known = row.tenantStatus !== undefined && row.tenantStatus !== 'erased' ? { tenantId: row.tenantId } : {};
    if (reason === 'suspended_tenant') {
      return this.refuse({ ok: false, status: 403, reason: `Tenant ${row.tenantId} is ${row.tenantStatus}` }, { reason, keyId: row.keyId, ...known });
    }
    // Every other refusal answers like an unknown key; an unknown tenant too, as this replica cannot vouch for it yet.
    if (reason) return this.refuse(INVALID_KEY, { reason, keyId: row.keyId, ...known });
    this.touch(row);
    return { ok: true, tenantId: row.tenantId, keyId: row.keyId, scopes: row.scopes };
  }

  /** Drops what this process remembers of a key (after its revocation or any other change). */
  forget(prefix: string): void {
    this.remembered.delete(prefix);
  }

  /** Drops every remembered key of a tenant (after its suspension, erasure or any other change). */
  forgetTenant(tenantId: string): void {
    for (const [prefix, entry] of this.remembered) if (entry.row.tenantId === tenantId) this.remembered.delete(prefix);
  }

  private async lookup(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const now = Date.now();
    const cached = this.remembered.get(prefix);
    if (cached && cached.until > now) return cached.row;
    const row = await this.directory.findByPrefix(prefix);
    if (row && this.config.API_KEY_CACHE_TTL_MS > 0) this.remembered.set(prefix, { row, until: now + this.config.API_KEY_CACHE_TTL_MS });
    else this.remembered.delete(prefix);
    return row;
  }

  private refuse(answer: Authentication, refusal: Omit<Refusal, 'credential'>): Authentication {
    this.tally.record({ credential: 'api_key', ...refusal, ...requestOrigin() });
    return answer;
  }

  /** Records last use at minute resolution, off the request path, where the directory keeps it. */
  private touch(row: ApiKeyCredentials): void {
    if (!this.directory.recordUse) return;
    const now = Date.now();
    if ((this.lastUsedWritten.get(row.keyId) ?? 0) > now - LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(row.keyId, now);
    this.directory
      .recordUse(row.tenantId, row.keyId, new Date(now))
      .catch((error: unknown) => this.logger.warn({ err: error, keyId: row.keyId }, 'could not record API key use'));
  }
}

/** Why a key found by its prefix is refused (the secret first: a key's state is recorded only for whoever holds it); undefined when it is good. */
function refusalOf(row: ApiKeyCredentials, secret: string): RefusalReason | undefined {
  if (!secretMatches(secret, row.secretHash)) return 'wrong_secret';
  if (row.revokedAt) return 'revoked_key';
  if (row.tenantStatus === undefined) return 'unknown_tenant';
  if (row.tenantStatus === 'erased') return 'erased_tenant';
  if (row.tenantStatus !== 'active') return 'suspended_tenant';
  return undefined;
}
