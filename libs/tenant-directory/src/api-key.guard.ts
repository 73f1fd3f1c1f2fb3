import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyScope } from '@comply/contracts';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { AuthenticatedRequest } from './caller';
import { FailedAuthenticationTally, requestOrigin } from './failed-authentication-tally';

/** Metadata `@RequireScope` sets on a route or controller: the scope it needs, or none for any valid key. */
export const REQUIRED_SCOPE = Symbol('requiredScope');

/**
 * Checks the API key and the scope the route requires; the handler then reads the tenant from
 * `@CurrentCaller()`. A missing scope is counted as a failed authentication like a bad key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly reflector: Reflector,
    private readonly tally: FailedAuthenticationTally,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const result = await this.authenticator.authenticate(request.headers.authorization);
    if (!result.ok) {
      if (result.status === 401) {
        http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
        throw new UnauthorizedException(result.reason);
      }
      throw new ForbiddenException(result.reason);
    }
    if (scope && !result.scopes.includes(scope)) {
      this.tally.record({ credential: 'api_key', reason: 'missing_scope', tenantId: result.tenantId, keyId: result.keyId, ...requestOrigin() });
      throw new ForbiddenException(`This API key lacks the "${scope}" scope`);
    }
    request.caller = { tenantId: result.tenantId, keyId: result.keyId, scopes: result.scopes, requestId: String(request.id) };
    return true;
  }
}
