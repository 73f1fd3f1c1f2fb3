import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { DataKeyRotationResponse, KeyRewrapResponse } from '@comply/contracts';
import { AdminTokenGuard } from '@comply/tenant-directory';
import { RequestId } from '@comply/tenant-directory';
import { EncryptionKeysService } from './encryption-keys.service';

/** Operator-triggered key rotation. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class EncryptionKeysController {
  constructor(private readonly keys: EncryptionKeysService) {}

  @Post('tenants/:id/data-keys/rotate')
  @HttpCode(200)
  rotateDataKey(@Param('id') tenantId: string, @RequestId() requestId: string): Promise<DataKeyRotationResponse> {
    return this.keys.rotateDataKey(tenantId, requestId);
  }

  @Post('data-keys/rewrap')
  @HttpCode(200)
  rewrapAll(@RequestId() requestId: string): Promise<KeyRewrapResponse> {
    return this.keys.rewrapAll(requestId);
  }
}
