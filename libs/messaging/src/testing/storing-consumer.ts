import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RecordStoredV1 } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import { ServiceBusContext } from '../consumer/servicebus-context';

/** A consumer that writes one `effects` row (the test bed's table) per record.stored.v1 it handles. */
@Controller()
class StoringConsumer {
  @EventPattern('record.stored.v1')
  async stored(@Payload() event: RecordStoredV1, @Ctx() context: ServiceBusContext) {
    await context.tx.execute(sql`insert into effects (message_id, record_id) values (${context.messageId}, ${event.recordId})`);
  }
}

@Module({ controllers: [StoringConsumer] })
export class StoringModule {}
