import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiKeyScope } from '@comply/contracts';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as the API key guard established it. */
export interface Caller {
  tenantId: string;
  keyId: string;
  scopes: readonly ApiKeyScope[];
  /** The request id (`x-request-id`), which becomes the correlation id of what the call causes. */
  requestId: string;
}

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** Injects the Caller into a handler of a route guarded by `@RequireScope`. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without @RequireScope');
  return caller;
});

/** The request id of any request, for correlation ids of routes without an API key (admin). */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => String(context.switchToHttp().getRequest<FastifyRequest>().id),
);
