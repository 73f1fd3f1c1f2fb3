import { currentRequestContext } from '@comply/observability';

/** Distinct (credential, reason, tenant, key) per window; what would add one more goes to the overflow entry. */
export const FAILED_AUTHENTICATION_CAP = 1_000;
/** Distinct client IPs and user agents kept per entry. */
export const ORIGIN_SAMPLES = 5;
const IP_LIMIT = 64;
const USER_AGENT_LIMIT = 256;

export type AuthenticationCredential = 'api_key' | 'admin_token';

export const REFUSAL_REASONS = [
  'missing_credential',
  'malformed_key',
  'unknown_key',
  'wrong_secret',
  'revoked_key',
  'unknown_tenant',
  'erased_tenant',
  'suspended_tenant',
  'missing_scope',
  'wrong_token',
  'admin_api_disabled',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** One refused request. Never the presented token: only what the directory says about the key it named. */
export interface Refusal {
  credential: AuthenticationCredential;
  reason: RefusalReason;
  /** The tenant of the key the prefix found, while the directory knows it (not erased). */
  tenantId?: string;
  /** The id of the key the prefix found. */
  keyId?: string;
  clientIp?: string;
  userAgent?: string;
}

/** The refusals of one window that share credential, reason, tenant and key; or the overflow of a credential. */
export interface TallyEntry {
  credential: AuthenticationCredential;
  reason: RefusalReason | 'overflow';
  tenantId?: string;
  keyId?: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  sampleIps: string[];
  sampleUserAgents: string[];
  /** Overflow entries only: how many refusals of each reason it holds. */
  reasons?: Partial<Record<RefusalReason, number>>;
}

export interface TallyWindow {
  startedAt: Date;
  entries: TallyEntry[];
}

/** The client of the HTTP request in progress, as the service sees it. */
export function requestOrigin(): Pick<Refusal, 'clientIp' | 'userAgent'> {
  const request = currentRequestContext();
  return { clientIp: request?.clientIp, userAgent: request?.userAgent };
}

/**
 * Refused authentications of this process since the last flush, aggregated so that whoever sends
 * bad credentials cannot grow memory or the audit trail: at most `cap` distinct entries plus one
 * overflow entry per credential, each with a count, first and last time and a few client origins.
 * Only what the directory knows is a key: an unknown prefix is one "unknown_key" entry however many
 * prefixes are tried.
 */
export class FailedAuthenticationTally {
  private entries = new Map<string, TallyEntry>();
  private overflow = new Map<AuthenticationCredential, TallyEntry>();
  private startedAt: Date;

  constructor(
    readonly cap = FAILED_AUTHENTICATION_CAP,
    now = new Date(),
  ) {
    this.startedAt = now;
  }

  record(refusal: Refusal, at = new Date()): void {
    const entry: TallyEntry = {
      credential: refusal.credential,
      reason: refusal.reason,
      ...(refusal.tenantId !== undefined && { tenantId: refusal.tenantId }),
      ...(refusal.keyId !== undefined && { keyId: refusal.keyId }),
      count: 1,
      firstAt: at,
      lastAt: at,
      sampleIps: refusal.clientIp ? [refusal.clientIp.slice(0, IP_LIMIT)] : [],
      sampleUserAgents: refusal.userAgent ? [refusal.userAgent.slice(0, USER_AGENT_LIMIT)] : [],
    };
    this.add(entry);
  }

  /** Distinct entries held, overflow entries included. */
  get size(): number {
    return this.entries.size + this.overflow.size;
  }

  /** Hands over the window's entries (undefined when there are none) and starts the next window at `now`. */
  take(now = new Date()): TallyWindow | undefined {
    const window = { startedAt: this.startedAt, entries: [...this.entries.values(), ...this.overflow.values()] };
    this.entries = new Map();
    this.overflow = new Map();
    this.startedAt = now;
    return window.entries.length > 0 ? window : undefined;
  }

  /** Puts back a window that could not be written, merged with what was counted since, within the same bounds. */
  restore(window: TallyWindow): void {
    const since = [...this.entries.values(), ...this.overflow.values()];
    this.entries = new Map();
    this.overflow = new Map();
    this.startedAt = window.startedAt < this.startedAt ? window.startedAt : this.startedAt;
    for (const entry of [...window.entries, ...since]) this.add(entry);
  }

  private add(entry: TallyEntry): void {
    if (entry.reason === 'overflow') return this.addOverflow(entry);
    const key = JSON.stringify([entry.credential, entry.reason, entry.tenantId ?? null, entry.keyId ?? null]);
    const existing = this.entries.get(key);
    if (existing) return merge(existing, entry);
    if (this.entries.size >= this.cap) return this.addOverflow(entry);
    this.entries.set(key, copy(entry));
  }

  private addOverflow(entry: TallyEntry): void {
    const reasons = entry.reason === 'overflow' ? (entry.reasons ?? {}) : { [entry.reason]: entry.count };
    const existing = this.overflow.get(entry.credential);
    if (!existing) {
      const { credential, count, firstAt, lastAt, sampleIps, sampleUserAgents } = entry;
      this.overflow.set(credential, { credential, reason: 'overflow', count, firstAt, lastAt, sampleIps: [...sampleIps], sampleUserAgents: [...sampleUserAgents], reasons: { ...reasons } });
      return;
    }
    merge(existing, entry);
    const held = (existing.reasons ??= {});
    for (const [reason, count] of Object.entries(reasons) as Array<[RefusalReason, number]>) held[reason] = (held[reason] ?? 0) + count;
  }
}

function copy(entry: TallyEntry): TallyEntry {
  return { ...entry, sampleIps: [...entry.sampleIps], sampleUserAgents: [...entry.sampleUserAgents] };
}

function merge(into: TallyEntry, from: TallyEntry): void {
  into.count += from.count;
  if (from.firstAt < into.firstAt) into.firstAt = from.firstAt;
  if (from.lastAt > into.lastAt) into.lastAt = from.lastAt;
  into.sampleIps = sampled(into.sampleIps, from.sampleIps);
  into.sampleUserAgents = sampled(into.sampleUserAgents, from.sampleUserAgents);
}

function sampled(kept: string[], more: string[]): string[] {
  const result = [...kept];
  for (const value of more) if (result.length < ORIGIN_SAMPLES && !result.includes(value)) result.push(value);
  return result;
}
