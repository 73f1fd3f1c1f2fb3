import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { CommonServiceConfig, SERVICE_CONFIG } from '@comply/service-runtime';
import { ApiKeyAuthenticator, tokensEqual } from '@comply/tenant-directory';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Who reads reports: a tenant's `read` key (its own tenant only), or an operator with the admin token (any tenant, or the fleet). */
export type AnalyticsReader = { kind: 'tenant'; tenantId: string } | { kind: 'admin' };

type ReaderRequest = FastifyRequest & { analyticsReader?: AnalyticsReader };

/**
 * The report routes accept either credential: the admin token when it matches ADMIN_TOKEN, else
 * an API key with the `read` scope, checked exactly as ApiKeyGuard checks it.
 */
@Injectable()
export class AnalyticsReaderGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CommonServiceConfig, 'ADMIN_TOKEN'>,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<ReaderRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const adminToken = this.config.ADMIN_TOKEN;
    if (adminToken && token && tokensEqual(token, adminToken)) {
      request.analyticsReader = { kind: 'admin' };
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
    if (!result.scopes.includes('read')) throw new ForbiddenException('This API key lacks the "read" scope');
    request.analyticsReader = { kind: 'tenant', tenantId: result.tenantId };
    return true;
  }
}

/** Injects the AnalyticsReader into a handler of a route guarded by AnalyticsReaderGuard. */
export const CurrentAnalyticsReader = createParamDecorator((_data: unknown, context: ExecutionContext): AnalyticsReader => {
  const reader = context.switchToHttp().getRequest<ReaderRequest>().analyticsReader;
  if (!reader) throw new Error('CurrentAnalyticsReader used on a route without AnalyticsReaderGuard');
  return reader;
});
