import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import type { ApiKeyScope } from '@comply/contracts';
import { ApiKeyGuard, REQUIRED_SCOPE } from './api-key.guard';

/** Route (or every route of a controller) needs a valid API key carrying `scope`; without one, any valid key. */
export function RequireScope(scope?: ApiKeyScope) {
  return applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), UseGuards(ApiKeyGuard));
}
