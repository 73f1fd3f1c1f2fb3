import { Module } from '@nestjs/common';
import { RecordsController } from './records.controller';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

/** GET /v1/records/:id, GET /v1/records and DELETE /v1/records/:id of the calling API key's tenant. */
@Module({
  controllers: [RecordsController],
  providers: [RecordsService, RecordsRepository],
})
export class RecordsModule {}
