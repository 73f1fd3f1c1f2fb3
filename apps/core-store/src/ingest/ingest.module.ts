import { Module } from '@nestjs/common';
import { MappingEventsHandler } from './mapping-events.handler';
import { MappingIngestRepository } from './mapping-ingest.repository';
import { MappingIngestService } from './mapping-ingest.service';
import { MappingsController } from './mappings.controller';

/** Mapping results in: POST /v1/mappings and the mapping-events subscription, through one ingest service. */
@Module({
  controllers: [MappingsController, MappingEventsHandler],
  providers: [MappingIngestService, MappingIngestRepository],
  exports: [MappingIngestService],
})
export class IngestModule {}
