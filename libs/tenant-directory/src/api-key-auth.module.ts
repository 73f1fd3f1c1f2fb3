import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { API_KEY_DIRECTORY, ApiKeyDirectory } from './api-key-directory';
import { ApiKeyGuard } from './api-key.guard';
import { ReaderGuard } from './reader.guard';
import { FailedAuthenticationAudit } from './failed-authentication-audit';
import { FailedAuthenticationTally } from './failed-authentication-tally';
import { WhoamiController } from './whoami.controller';

/**
 * API key and admin token authentication for every feature module of a service, `GET /v1/whoami`,
 * and the audit of refused credentials (counted in memory, written every AUTH_FAILURE_AUDIT_INTERVAL_MS).
 */
@Global()
@Module({})
export class ApiKeyAuthModule {
  /** Keys are found through `directory`: core-store's own tables, or a replica of them. */
  static forDirectory(directory: Type<ApiKeyDirectory>): DynamicModule {
    return {
      module: ApiKeyAuthModule,
      controllers: [WhoamiController],
      providers: [
        { provide: API_KEY_DIRECTORY, useClass: directory },
        { provide: FailedAuthenticationTally, useFactory: () => new FailedAuthenticationTally() },
        FailedAuthenticationAudit,
        ApiKeyAuthenticator,
        ApiKeyGuard,
        AdminTokenGuard,
        ReaderGuard,
      ],
      exports: [ApiKeyAuthenticator, ApiKeyGuard, AdminTokenGuard, ReaderGuard, FailedAuthenticationTally, FailedAuthenticationAudit],
    };
  }
}
