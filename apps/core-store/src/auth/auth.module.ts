import { Global, Module } from '@nestjs/common';
import { ApiKeyAuthModule } from '@comply/tenant-directory';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyCredentialsRepository } from './api-key-credentials.repository';

/**
 * Authentication for every feature module: API keys through the platform's shared guard
 * (libs/tenant-directory), reading core-store's own tables, and the admin token.
 */
@Global()
@Module({
  imports: [ApiKeyAuthModule.forDirectory(ApiKeyCredentialsRepository)],
  providers: [AdminTokenGuard],
  exports: [AdminTokenGuard],
})
export class AuthModule {}
