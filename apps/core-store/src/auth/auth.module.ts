import { Module } from '@nestjs/common';
import { ApiKeyAuthModule } from '@comply/tenant-directory';
import { ApiKeyCredentialsRepository } from './api-key-credentials.repository';

/**
 * Authentication for every feature module, through the platform's shared guards
 * (libs/tenant-directory): API keys read from core-store's own tables, and the admin token.
 */
@Module({ imports: [ApiKeyAuthModule.forDirectory(ApiKeyCredentialsRepository)] })
export class AuthModule {}
