import { Global, Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller';
import { DirectoryPublisher } from './directory-publisher';
import { DirectoryService } from './directory.service';
import { DirectoryRepository } from './directory.repository';

/**
 * core-store as the source of the tenant directory: every admin change of a tenant or API key is
 * announced on tenant-events by DirectoryPublisher (global, so the admin module uses it), and
 * operators can republish everything for replicas that start empty.
 */
@Global()
@Module({
  controllers: [DirectoryController],
  providers: [DirectoryRepository, DirectoryPublisher, DirectoryService],
  exports: [DirectoryPublisher],
})
export class DirectoryModule {}
