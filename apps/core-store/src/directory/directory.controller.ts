import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { RepublishResponse } from '@comply/contracts';
import { AdminTokenGuard } from '@comply/tenant-directory';
import { RequestId } from '@comply/tenant-directory';
import { DirectoryService } from './directory.service';

/** Operators' resync of the other services' tenant directories (`npm run directory:resync`). */
@Controller('admin/directory')
@UseGuards(AdminTokenGuard)
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  /** Queues the current state of every tenant and API key on tenant-events, at their current versions. */
  @Post('republish')
  @HttpCode(200)
  republish(@RequestId() requestId: string): Promise<RepublishResponse> {
    return this.directory.republish(requestId);
  }
}
