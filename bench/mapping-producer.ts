/*
 * A producer of mapping.result.v1 in a process of its own, as producers are: builds COUNT messages
 * for TENANT, waits for a line on stdin, sends them to mapping-events in batches of BATCH, and
 * prints "sent". The core-store benchmark starts its clock when it writes that line.
 * Run by core-store.bench.ts: mapping-producer.ts <connection string> <tenant> <count> <batch>
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { mappingEvent } from '../apps/core-store/src/testing/mapping-fixtures';
import { chunks } from './bench-support';

async function main(): Promise<void> {
  const [connectionString, tenantId, count, batch] = process.argv.slice(2);
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 30_000 } });
  const sender = client.createSender('mapping-events');
  await sender.createMessageBatch();
  const messages: ServiceBusMessage[] = Array.from({ length: Number(count) }, () => ({
    messageId: randomUUID(),
    subject: 'mapping.result.v1',
    body: mappingEvent(tenantId),
    contentType: 'application/json',
    applicationProperties: { tenantId },
  }));
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await new Promise((resolve) => lines.once('line', resolve));
  for (const part of chunks(messages, Number(batch))) await sender.sendMessages(part);
  process.stdout.write('sent\n');
  await sender.close();
  await client.close();
  lines.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
