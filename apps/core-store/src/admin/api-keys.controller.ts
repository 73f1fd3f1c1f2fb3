import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiKeyResponse, createApiKeyRequest, CreatedApiKeyResponse } from '@comply/contracts';
import { AdminTokenGuard } from '@comply/tenant-directory';
import { RequestId } from '@comply/tenant-directory';
import { ApiKeysService } from './api-keys.service';
import { validated } from '@comply/service-runtime';

/** A tenant's API keys, for platform operators. */
@Controller('admin/tenants/:id/api-keys')
@UseGuards(AdminTokenGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  create(@Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<CreatedApiKeyResponse> {
    return this.keys.create(id, validated(createApiKeyRequest, body, 'API key'), requestId);
  }

  @Get()
  list(@Param('id') id: string): Promise<{ items: ApiKeyResponse[] }> {
    return this.keys.list(id);
  }

  @Delete(':keyId')
  @HttpCode(204)
  revoke(@Param('id') id: string, @Param('keyId') keyId: string, @RequestId() requestId: string): Promise<void> {
    return this.keys.revoke(id, keyId, requestId);
  }
}
