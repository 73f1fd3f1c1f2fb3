import { Body, Controller, Get, Param, Patch, UseGuards } from '@nestjs/common';
import { TenantConfigResponse, tenantConfigUpdate } from '@comply/contracts';
import { AdminTokenGuard } from '@comply/tenant-directory';
import { RequestId } from '@comply/tenant-directory';
import { TenantConfigService } from './tenant-config.service';
import { validated } from '@comply/service-runtime';

/** A tenant's configuration, for platform operators. */
@Controller('admin/tenants/:id/config')
@UseGuards(AdminTokenGuard)
export class TenantConfigController {
  constructor(private readonly configs: TenantConfigService) {}

  @Get()
  get(@Param('id') id: string): Promise<TenantConfigResponse> {
    return this.configs.get(id);
  }

  @Patch()
  update(@Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<TenantConfigResponse> {
    return this.configs.update(id, validated(tenantConfigUpdate, body, 'tenant config update'), requestId);
  }
}
