import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { EncryptionKeysController } from './encryption-keys.controller';
import { EncryptionKeysService } from './encryption-keys.service';
import { TenantConfigController } from './tenant-config.controller';
import { TenantConfigService } from './tenant-config.service';
import { TenantErasureService } from './tenant-erasure.service';
import { TenantsAdminController } from './tenants-admin.controller';
import { TenantsAdminRepository } from './tenants-admin.repository';
import { TenantsAdminService } from './tenants-admin.service';

/**
 * The admin API of platform operators (`/admin/tenants/...`, ADMIN_TOKEN): tenants, their
 * configuration and API keys, key rotation, and erasure. Every change commits with its audit.event.v1.
 */
@Module({
  controllers: [TenantsAdminController, TenantConfigController, ApiKeysController, EncryptionKeysController],
  providers: [TenantsAdminRepository, ApiKeysRepository, TenantsAdminService, TenantConfigService, ApiKeysService, TenantErasureService, EncryptionKeysService],
})
export class AdminModule {}
