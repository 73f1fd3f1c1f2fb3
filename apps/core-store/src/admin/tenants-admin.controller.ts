import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { createTenantRequest, TenantErasureResponse, TenantResponse, updateTenantRequest } from '@comply/contracts';
import { AdminTokenGuard } from '@comply/tenant-directory';
import { RequestId } from '@comply/tenant-directory';
import { TenantErasureService } from './tenant-erasure.service';
import { TenantsAdminService } from './tenants-admin.service';
import { validated } from '@comply/service-runtime';

/** Tenants as platform operators manage them (`Authorization: Bearer <ADMIN_TOKEN>`). */
@Controller('admin/tenants')
@UseGuards(AdminTokenGuard)
export class TenantsAdminController {
  constructor(
    private readonly tenants: TenantsAdminService,
    private readonly erasure: TenantErasureService,
  ) {}

  @Post()
  create(@Body() body: unknown, @RequestId() requestId: string): Promise<TenantResponse> {
    return this.tenants.create(validated(createTenantRequest, body, 'tenant'), requestId);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<TenantResponse> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<TenantResponse> {
    return this.tenants.update(id, validated(updateTenantRequest, body, 'tenant update'), requestId);
  }

  /** Crypto-shreds the tenant's data and ends its access; final. */
  @Post(':id/erase')
  @HttpCode(200)
  erase(@Param('id') id: string, @RequestId() requestId: string): Promise<TenantErasureResponse> {
    return this.erasure.erase(id, requestId);
  }
}
