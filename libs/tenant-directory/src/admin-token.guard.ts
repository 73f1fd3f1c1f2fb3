import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { CommonServiceConfig, SERVICE_CONFIG } from '@comply/service-runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tokensEqual } from './api-key';
import { FailedAuthenticationTally, requestOrigin, type RefusalReason } from './failed-authentication-tally';

/**
 * A service's operator API (`/admin/...`): `Authorization: Bearer <ADMIN_TOKEN>`; with no ADMIN_TOKEN
 * configured, nobody. Every refusal is counted in the FailedAuthenticationTally.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Pick<CommonServiceConfig, 'ADMIN_TOKEN'>,
    private readonly tally: FailedAuthenticationTally,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = /^Bearer\s+(\S+)$/i.exec(http.getRequest<FastifyRequest>().headers.authorization ?? '')?.[1];
    const expected = this.config.ADMIN_TOKEN;
    if (expected && token && tokensEqual(token, expected)) return true;
    const reason: RefusalReason = !expected ? 'admin_api_disabled' : token ? 'wrong_token' : 'missing_credential';
    this.tally.record({ credential: 'admin_token', reason, ...requestOrigin() });
    http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
    throw new UnauthorizedException(expected ? 'Invalid admin token' : 'The admin API is disabled: ADMIN_TOKEN is not set');
  }
}
