import { Controller, Get } from '@nestjs/common';
import type { WhoamiResponse } from '@comply/contracts';
import { Caller, CurrentCaller } from './caller';
import { RequireScope } from './require-scope';

/** Lets a client check its key against this service: which tenant and scopes it knows the key by. */
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @RequireScope()
  whoami(@CurrentCaller() caller: Caller): WhoamiResponse {
    return { tenantId: caller.tenantId, keyId: caller.keyId, scopes: [...caller.scopes] };
  }
}
