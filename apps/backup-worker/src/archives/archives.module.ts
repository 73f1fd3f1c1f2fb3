import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { ArchiveCatalogRepository } from './archive-catalog.repository';
import { ArchiveRequestHandler } from './archive-request.handler';
import { ArchiveService } from './archive.service';

/** Archives of single tables for the services that own them (archive.requested.v1), before they drop them. */
@Module({
  imports: [CatalogModule],
  controllers: [ArchiveRequestHandler],
  providers: [ArchiveService, ArchiveCatalogRepository],
})
export class ArchivesModule {}
