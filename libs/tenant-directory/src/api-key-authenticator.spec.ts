import { ExecutionContext, ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope, TenantStatus } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { randomUUID } from 'node:crypto';
import { generateApiKey, parseApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyCredentials, ApiKeyDirectory } from './api-key-directory';
import { ApiKeyGuard } from './api-key.guard';
import { AuthenticatedRequest } from './caller';
import { FailedAuthenticationTally, type TallyEntry } from './failed-authentication-tally';
import { RequireScope } from './require-scope';

const INVALID = { ok: false, status: 401, reason: 'Invalid API key' };
const MISSING = { ok: false, status: 401, reason: 'Missing bearer token: send Authorization: Bearer <api key>' };

/** The port as a map, counting lookups and recorded uses. */
class InMemoryDirectory implements ApiKeyDirectory {
  readonly keys = new Map<string, ApiKeyCredentials>();
  lookups = 0;
  readonly uses: Array<{ tenantId: string; keyId: string; usedAt: Date }> = [];

  async findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined> {
    this.lookups += 1;
    const row = this.keys.get(prefix);
    return row && { ...row };
  }

  async recordUse(tenantId: string, keyId: string, usedAt: Date): Promise<void> {
    this.uses.push({ tenantId, keyId, usedAt });
  }

  /** Issues a key; returns the full key text. */
  issue(options: { tenantId?: string; scopes?: ApiKeyScope[]; tenantStatus?: TenantStatus | undefined; revokedAt?: Date } = {}): string {
    const { key, prefix, secretHash } = generateApiKey();
    this.keys.set(prefix, {
      keyId: randomUUID(),
      tenantId: options.tenantId ?? 'tenant-a',
      secretHash,
      scopes: options.scopes ?? ['read'],
      revokedAt: options.revokedAt ?? null,
      tenantStatus: 'tenantStatus' in options ? options.tenantStatus : 'active',
    });
    return key;
  }

  change(key: string, change: Partial<ApiKeyCredentials>): void {
    const prefix = parseApiKey(key)!.prefix;
    this.keys.set(prefix, { ...this.keys.get(prefix)!, ...change });
  }
}

const silent = { warn: jest.fn() } as unknown as Logger;

function authenticatorWith(directory: ApiKeyDirectory, ttlMs = 0, tally = new FailedAuthenticationTally()): ApiKeyAuthenticator {
  return new ApiKeyAuthenticator({ API_KEY_CACHE_TTL_MS: ttlMs }, silent, directory, tally);
}

/** The tally's entries as (reason, tenant, key, count), in the order they were first seen. */
function tallied(tally: FailedAuthenticationTally): Array<Pick<TallyEntry, 'credential' | 'reason' | 'tenantId' | 'keyId' | 'count'>> {
  return (tally.take()?.entries ?? []).map(({ credential, reason, tenantId, keyId, count }) => ({ credential, reason, tenantId, keyId, count }));
}

class Routes {
  @RequireScope('admin')
  admin(): string {
    return 'admin';
  }

  @RequireScope()
  anyKey(): string {
    return 'any key';
  }
}

@RequireScope('ingest')
class IngestRoutes {
  submit(): string {
    return 'ingest';
  }
}

/** Runs the guard as Nest would for `handler` of `controller`; returns the request and the headers set on the reply. */
async function guard(
  authenticator: ApiKeyAuthenticator,
  authorization: string | undefined,
  controller: object,
  handler: (...args: never[]) => unknown,
  tally = new FailedAuthenticationTally(),
) {
  const request = { headers: { authorization }, id: 'req-1' } as unknown as AuthenticatedRequest;
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  const context = {
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  const outcome = await new ApiKeyGuard(authenticator, new Reflector(), tally).canActivate(context).catch((error: unknown) => error);
  return { outcome, request, headers };
}

describe('ApiKeyAuthenticator', () => {
  let directory: InMemoryDirectory;
  let authenticator: ApiKeyAuthenticator;

  beforeEach(() => {
    directory = new InMemoryDirectory();
    authenticator = authenticatorWith(directory);
  });

  it('accepts a valid key with its tenant and scopes', async () => {
    const key = directory.issue({ tenantId: 'tenant-b', scopes: ['ingest', 'read'] });
    const { keyId } = directory.keys.get(parseApiKey(key)!.prefix)!;
    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({ ok: true, tenantId: 'tenant-b', keyId, scopes: ['ingest', 'read'] });
    expect(await authenticator.authenticate(`bearer   ${key}`)).toMatchObject({ ok: true, keyId });
  });

  it.each([undefined, '', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer two tokens'])('answers 401 to the header %j', async (header) => {
    expect(await authenticator.authenticate(header)).toEqual(MISSING);
  });

  it('answers 401 Invalid API key to a malformed key, an unknown prefix, a wrong secret, a revoked key, an erased or unknown tenant', async () => {
    const valid = directory.issue();
    const { prefix, secret } = parseApiKey(valid)!;
    const wrongSecret = `csk_${prefix}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const cases = {
      malformed: 'csk_short_key',
      'unknown prefix': generateApiKey().key,
      'wrong secret': wrongSecret,
      revoked: directory.issue({ revokedAt: new Date() }),
      'erased tenant': directory.issue({ tenantStatus: 'erased' }),
      'unknown tenant': directory.issue({ tenantStatus: undefined }),
    };
    for (const [name, key] of Object.entries(cases)) {
      expect({ name, result: await authenticator.authenticate(`Bearer ${key}`) }).toEqual({ name, result: INVALID });
    }
    expect(await authenticator.authenticate(`Bearer ${valid}`)).toMatchObject({ ok: true });
  });

  it('answers 403 while the tenant is suspended', async () => {
    const key = directory.issue({ tenantId: 'paused', tenantStatus: 'suspended' });
    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({ ok: false, status: 403, reason: 'Tenant paused is suspended' });
    directory.change(key, { tenantStatus: 'active' });
    expect(await authenticator.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true, tenantId: 'paused' });
  });

  it('counts each refusal with its precise reason, the tenant while the directory knows it, and the key it named', async () => {
    const tally = new FailedAuthenticationTally();
    const counting = authenticatorWith(directory, 0, tally);
    const valid = directory.issue({ tenantId: 'tenant-a' });
    const { prefix, secret } = parseApiKey(valid)!;
    const idOf = (key: string) => directory.keys.get(parseApiKey(key)!.prefix)!.keyId;
    const revoked = directory.issue({ tenantId: 'tenant-a', revokedAt: new Date() });
    const suspended = directory.issue({ tenantId: 'paused', tenantStatus: 'suspended' });
    const erased = directory.issue({ tenantId: 'gone', tenantStatus: 'erased' });
    const unheardOf = directory.issue({ tenantId: 'not-yet', tenantStatus: undefined });
    const wrongSecret = `csk_${prefix}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const header of [undefined, 'Bearer csk_short_key', `Bearer ${generateApiKey().key}`, `Bearer ${generateApiKey().key}`, `Bearer ${wrongSecret}`, `Bearer ${wrongSecret}`]) {
      await counting.authenticate(header);
    }
    for (const key of [revoked, suspended, erased, unheardOf, valid]) await counting.authenticate(`Bearer ${key}`);
    expect(tallied(tally)).toEqual([
      { credential: 'api_key', reason: 'missing_credential', count: 1 },
      { credential: 'api_key', reason: 'malformed_key', count: 1 },
      { credential: 'api_key', reason: 'unknown_key', count: 2 },
      { credential: 'api_key', reason: 'wrong_secret', tenantId: 'tenant-a', keyId: idOf(valid), count: 2 },
      { credential: 'api_key', reason: 'revoked_key', tenantId: 'tenant-a', keyId: idOf(revoked), count: 1 },
      { credential: 'api_key', reason: 'suspended_tenant', tenantId: 'paused', keyId: idOf(suspended), count: 1 },
      { credential: 'api_key', reason: 'erased_tenant', keyId: idOf(erased), count: 1 },
      { credential: 'api_key', reason: 'unknown_tenant', keyId: idOf(unheardOf), count: 1 },
    ]);
  });

  it('records use at minute resolution, and needs no recordUse from a directory without one', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const key = directory.issue();
      await authenticator.authenticate(`Bearer ${key}`);
      await authenticator.authenticate(`Bearer ${key}`);
      now.mockReturnValue(1_000_000 + 59_000);
      await authenticator.authenticate(`Bearer ${key}`);
      expect(directory.uses.map((use) => use.usedAt.getTime())).toEqual([1_000_000]);
      now.mockReturnValue(1_000_000 + 61_000);
      await authenticator.authenticate(`Bearer ${key}`);
      expect(directory.uses.map((use) => use.usedAt.getTime())).toEqual([1_000_000, 1_061_000]);
    } finally {
      now.mockRestore();
    }
    const readOnly: ApiKeyDirectory = { findByPrefix: (prefix) => directory.findByPrefix(prefix) };
    expect(await authenticatorWith(readOnly).authenticate(`Bearer ${directory.issue()}`)).toMatchObject({ ok: true });
  });

  describe('memory (API_KEY_CACHE_TTL_MS)', () => {
    let now: jest.SpyInstance<number, []>;

    beforeEach(() => {
      now = jest.spyOn(Date, 'now').mockReturnValue(5_000_000);
    });

    afterEach(() => now.mockRestore());

    it('remembers a key for the TTL, then reads the directory again', async () => {
      const remembering = authenticatorWith(directory, 30_000);
      const key = directory.issue();
      expect(await remembering.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true });
      directory.change(key, { revokedAt: new Date() });
      now.mockReturnValue(5_000_000 + 29_999);
      expect(await remembering.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true });
      expect(directory.lookups).toBe(1);
      now.mockReturnValue(5_000_000 + 30_000);
      expect(await remembering.authenticate(`Bearer ${key}`)).toEqual(INVALID);
      expect(directory.lookups).toBe(2);
    });

    it('remembers nothing with a TTL of 0', async () => {
      const key = directory.issue();
      await authenticator.authenticate(`Bearer ${key}`);
      await authenticator.authenticate(`Bearer ${key}`);
      expect(directory.lookups).toBe(2);
    });

    it('forgets a key, or every key of a tenant, on request', async () => {
      const remembering = authenticatorWith(directory, 30_000);
      const first = directory.issue({ tenantId: 'tenant-a' });
      const second = directory.issue({ tenantId: 'tenant-a' });
      const other = directory.issue({ tenantId: 'tenant-b' });
      for (const key of [first, second, other]) await remembering.authenticate(`Bearer ${key}`);

      directory.change(first, { revokedAt: new Date() });
      remembering.forget(parseApiKey(first)!.prefix);
      expect(await remembering.authenticate(`Bearer ${first}`)).toEqual(INVALID);

      for (const key of [second, other]) directory.change(key, { tenantStatus: 'suspended' });
      remembering.forgetTenant('tenant-a');
      expect(await remembering.authenticate(`Bearer ${second}`)).toMatchObject({ ok: false, status: 403 });
      expect(await remembering.authenticate(`Bearer ${other}`)).toMatchObject({ ok: true });
    });
  });
});

describe('ApiKeyGuard and @RequireScope', () => {
  let directory: InMemoryDirectory;
  let authenticator: ApiKeyAuthenticator;

  beforeEach(() => {
    directory = new InMemoryDirectory();
    authenticator = authenticatorWith(directory);
  });

  it('lets a key with the scope through and puts the caller on the request', async () => {
    const key = directory.issue({ tenantId: 'tenant-a', scopes: ['admin'] });
    const { outcome, request } = await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.admin);
    expect(outcome).toBe(true);
    expect(request.caller).toEqual({ tenantId: 'tenant-a', keyId: expect.any(String), scopes: ['admin'], requestId: 'req-1' });
  });

  it('answers 403 to a key without the scope, on a route or on every route of a controller', async () => {
    const key = directory.issue({ scopes: ['read'] });
    const onRoute = await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.admin);
    expect(onRoute.outcome).toBeInstanceOf(ForbiddenException);
    expect((onRoute.outcome as HttpException).message).toBe('This API key lacks the "admin" scope');
    const onController = await guard(authenticator, `Bearer ${key}`, IngestRoutes, IngestRoutes.prototype.submit);
    expect((onController.outcome as HttpException).message).toBe('This API key lacks the "ingest" scope');
  });

  it('counts a key without the scope as a refusal of that key, in its tenant', async () => {
    const tally = new FailedAuthenticationTally();
    const key = directory.issue({ tenantId: 'tenant-a', scopes: ['read'] });
    await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.admin, tally);
    await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.anyKey, tally);
    expect(tallied(tally)).toEqual([
      { credential: 'api_key', reason: 'missing_scope', tenantId: 'tenant-a', keyId: directory.keys.get(parseApiKey(key)!.prefix)!.keyId, count: 1 },
    ]);
  });

  it('lets any valid key through @RequireScope() without a scope', async () => {
    const key = directory.issue({ scopes: [] });
    expect((await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.anyKey)).outcome).toBe(true);
  });

  it('answers 403 for a suspended tenant, without WWW-Authenticate', async () => {
    const key = directory.issue({ scopes: ['admin'], tenantStatus: 'suspended' });
    const { outcome, headers } = await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.admin);
    expect(outcome).toBeInstanceOf(ForbiddenException);
    expect(headers).toEqual({});
  });

  it('answers every wrong key with 401, WWW-Authenticate: Bearer and one identical body', async () => {
    const valid = directory.issue({ scopes: ['admin'] });
    const { prefix } = parseApiKey(valid)!;
    const keys = [
      'not-a-key',
      generateApiKey().key,
      `csk_${prefix}_${'A'.repeat(43)}`,
      directory.issue({ scopes: ['admin'], revokedAt: new Date() }),
      directory.issue({ scopes: ['admin'], tenantStatus: 'erased' }),
      directory.issue({ scopes: ['admin'], tenantStatus: undefined }),
    ];
    const bodies = new Set<string>();
    for (const key of keys) {
      const { outcome, headers } = await guard(authenticator, `Bearer ${key}`, Routes, Routes.prototype.admin);
      expect(outcome).toBeInstanceOf(UnauthorizedException);
      expect(headers).toEqual({ 'www-authenticate': 'Bearer' });
      bodies.add(JSON.stringify((outcome as HttpException).getResponse()));
    }
    expect([...bodies]).toEqual([JSON.stringify({ message: 'Invalid API key', error: 'Unauthorized', statusCode: 401 })]);

    const missing = await guard(authenticator, undefined, Routes, Routes.prototype.admin);
    expect(missing.outcome).toBeInstanceOf(UnauthorizedException);
    expect(missing.headers).toEqual({ 'www-authenticate': 'Bearer' });
  });
});
