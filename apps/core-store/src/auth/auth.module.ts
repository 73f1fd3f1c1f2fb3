import { Global, Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyCredentialsRepository } from './api-key-credentials.repository';
import { ApiKeyGuard } from './require-scope';

/** API key and admin token authentication, available to every feature module. */
@Global()
@Module({
  providers: [ApiKeyCredentialsRepository, ApiKeyAuthenticator, ApiKeyGuard, AdminTokenGuard],
  exports: [ApiKeyAuthenticator, ApiKeyGuard, AdminTokenGuard],
})
export class AuthModule {}
