import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { CommonServiceConfig, SERVICE_CONFIG } from '@comply/service-runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tokensEqual } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { FailedAuthenticationTally, requestOrigin } from './failed-authentication-tally';

/** Who reads a service's data: a tenant's `read` key (that tenant only), or an operator with the admin token (any tenant). */
export type Reader = { kind: 'tenant'; tenantId: string; keyId: string } | { kind: 'admin' };

type ReaderRequest = FastifyRequest & { reader?: Reader };

/**
 * Read routes that tenants and operators share (audit trail, analytics) accept either credential:
 * the admin token when it matches ADMIN_TOKEN, else an API key with the `read` scope, checked and
 * its refusals counted exactly as ApiKeyGuard does.
 */
@Injectable()
export class ReaderGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CommonServiceConfig, 'ADMIN_TOKEN'>,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly tally: FailedAuthenticationTally,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<ReaderRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const adminToken = this.config.ADMIN_TOKEN;
    if (adminToken && token && tokensEqual(token, adminToken)) {
      request.reader = { kind: 'admin' };
      return true;
    }
    const result = await this.authenticator.authenticate(request.headers.authorization);
    if (!result.ok) {
      if (result.status === 401) {
        http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
        throw new UnauthorizedException(result.reason);
      }
      throw new ForbiddenException(result.reason);
    }
    if (!result.scopes.includes('read')) {
      this.tally.record({ credential: 'api_key', reason: 'missing_scope', tenantId: result.tenantId, keyId: result.keyId, ...requestOrigin() });
      throw new ForbiddenException('This API key lacks the "read" scope');
    }
    request.reader = { kind: 'tenant', tenantId: result.tenantId, keyId: result.keyId };
    return true;
  }
}

/** Injects the Reader into a handler of a route guarded by ReaderGuard. */
export const CurrentReader = createParamDecorator((_data: unknown, context: ExecutionContext): Reader => {
  const reader = context.switchToHttp().getRequest<ReaderRequest>().reader;
  if (!reader) throw new Error('CurrentReader used on a route without ReaderGuard');
  return reader;
});
