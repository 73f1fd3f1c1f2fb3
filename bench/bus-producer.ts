/*
 * A Service Bus producer in a process of its own (producer-process.ts): builds COUNT events of TYPE
 * (message i of tenant i mod the tenants given, its id producedMessageId(SEED, i)) and, once told
 * to, sends them to TOPIC in batches of up to BATCH.
 * Started by startBusProducer: bus-producer.ts <connection string> <type> <count> <batch> <seed> <tenant>[,<tenant>…] <topic>
 */
import { randomUUID } from 'node:crypto';
import { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import { EVENT_EXAMPLES } from '@comply/contracts';
import { mappingEvent, mappingSubmission } from '../apps/core-store/src/testing/mapping-fixtures';
import { auditEventBody, MAPPINGS_PER_BATCH_MESSAGE, PRODUCED_EVENT_TYPES, ProducedEventType, producedMessageId, runProducer } from './producer-process';

/** The body of the i-th event of a type, as its producer publishes it. */
const BODIES: Record<ProducedEventType, (tenantId: string, index: number) => unknown> = {
  'mapping.result.v1': (tenantId) => mappingEvent(tenantId),
  'mapping.batch.v1': (tenantId) => ({ tenantId, mappings: Array.from({ length: MAPPINGS_PER_BATCH_MESSAGE }, () => mappingSubmission()) }),
  // What core-store publishes once it has stored a record.
  'record.stored.v1': (tenantId, index) => ({
    ...EVENT_EXAMPLES['record.stored.v1'],
    tenantId,
    recordId: randomUUID(),
    requestId: `req-${index}`,
    storedAt: new Date().toISOString(),
  }),
  'audit.event.v1': auditEventBody,
};

async function sendAll(sender: ServiceBusSender, messages: ServiceBusMessage[], most: number): Promise<void> {
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.count < most && batch.tryAddMessage(message)) continue;
    await sender.sendMessages(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw new Error('a message does not fit an empty batch');
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}

runProducer(async () => {
  const [connectionString, type, count, most, seed, tenantList, topic] = process.argv.slice(2);
  if (!(PRODUCED_EVENT_TYPES as readonly string[]).includes(type)) throw new Error(`cannot produce ${type}: one of ${PRODUCED_EVENT_TYPES.join(', ')}`);
  const eventType = type as ProducedEventType;
  const tenants = tenantList.split(',');
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 30_000 } });
  const sender = client.createSender(topic);
  // Opens the link now, so that the first send does not pay for it.
  await sender.createMessageBatch();
  const messages: ServiceBusMessage[] = Array.from({ length: Number(count) }, (_, i) => {
    const tenantId = tenants[i % tenants.length];
    return {
      messageId: producedMessageId(seed, i),
      subject: eventType,
      body: BODIES[eventType](tenantId, i),
      contentType: 'application/json',
      applicationProperties: { tenantId },
    };
  });
  return {
    send: () => sendAll(sender, messages, Number(most)),
    close: async () => {
      await sender.close();
      await client.close();
    },
  };
});
