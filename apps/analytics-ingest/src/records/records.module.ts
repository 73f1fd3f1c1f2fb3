import { Module } from '@nestjs/common';
import { RecordEventsHandler } from './record-events.handler';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

/** Record rollups from core-events: stored and deleted, by detector, model version and taxonomy label. */
@Module({ controllers: [RecordEventsHandler], providers: [RecordsService, RecordsRepository] })
export class RecordsModule {}
