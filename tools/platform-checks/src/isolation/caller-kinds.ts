import type { Operation } from './openapi-operations';

/** Who calls in the matrix. Tenant A is the caller's own tenant, B the other one, C a suspended one. */
export const CALLER_KINDS = ['no-key', 'malformed-key', 'revoked-key', 'suspended-tenant', 'wrong-scope', 'tenant-key', 'admin-token', 'owner-key'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export const CALLER_DESCRIPTIONS: Record<CallerKind, string> = {
  'no-key': 'no Authorization header',
  'malformed-key': 'a bearer token that is not an API key',
  'revoked-key': "A's key with every scope, revoked",
  'suspended-tenant': "C's key with every scope; C is suspended",
  'wrong-scope': "A's single-scope key without the scope the operation requires",
  'tenant-key': "A's key with every scope",
  'admin-token': "the services' ADMIN_TOKEN",
  'owner-key': "B's key with every scope, on read operations only: proves B's ids are real targets",
};

export const MALFORMED_KEY = 'csk_not-an-api-key';

export type TenantLabel = 'A' | 'B' | 'C';

export interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
}

/** The keys the fixture issued. */
export interface CallerKeys {
  adminToken: string;
  /** A's key with every scope. */
  full: IssuedKey;
  /** A's keys with exactly one scope each, by scope. */
  single: Record<string, IssuedKey>;
  revoked: IssuedKey;
  suspended: IssuedKey;
  owner: IssuedKey;
}

/** The tenant whose key a caller presents, if it presents one. */
export function tenantOf(kind: CallerKind): TenantLabel | undefined {
  switch (kind) {
    case 'revoked-key':
    case 'wrong-scope':
    case 'tenant-key':
      return 'A';
    case 'suspended-tenant':
      return 'C';
    case 'owner-key':
      return 'B';
    default:
      return undefined;
  }
}

/**
 * The scopes of the key a caller presents: the wrong-scope caller presents A's single-scope key
 * for a scope other than the one the operation requires (any of them where it requires none).
 */
export function keyFor(kind: CallerKind, operation: Operation, keys: CallerKeys): IssuedKey | undefined {
  switch (kind) {
    case 'revoked-key':
      return keys.revoked;
    case 'suspended-tenant':
      return keys.suspended;
    case 'tenant-key':
      return keys.full;
    case 'owner-key':
      return keys.owner;
    case 'wrong-scope': {
      const required = operation.security.apiKey?.scope;
      const scope = Object.keys(keys.single).find((candidate) => candidate !== required);
      if (!scope) throw new Error('The fixture issued no single-scope key');
      return keys.single[scope];
    }
    default:
      return undefined;
  }
}

export function authorizationFor(kind: CallerKind, operation: Operation, keys: CallerKeys): string | undefined {
  if (kind === 'no-key') return undefined;
  if (kind === 'malformed-key') return `Bearer ${MALFORMED_KEY}`;
  if (kind === 'admin-token') return `Bearer ${keys.adminToken}`;
  return `Bearer ${keyFor(kind, operation, keys)?.key}`;
}
