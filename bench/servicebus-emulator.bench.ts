/*
 * Throughput of the Service Bus emulator driven by the real SDK, next to raw rhea
 * sender → receiver throughput on the same machine (one AMQP transfer per message, the ceiling for
 * per-message work), printed as ratios. Each figure is the median of ROUNDS runs after a warm-up.
 * Batched sends pack many messages into one transfer, so they can beat the per-message ceiling.
 * Run: node -r @swc-node/register bench/servicebus-emulator.bench.ts
 */
import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { AddressInfo, Server } from 'node:net';
import rhea from 'rhea';
import { startEmulator } from '@comply/servicebus-emulator';
import { median, runBenchmark } from './bench-support';

const MESSAGES = 10_000;
const ROUNDS = 3;
const BODY = { tenantId: 't-1', mapping: 'PII.Identifier.SSN', score: 0.97 };
const RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 30_000 };

async function rawRheaThroughput(): Promise<number> {
  const server = rhea.create_container({ id: 'bench-server' });
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  server.on('message', () => {
    if (++received === MESSAGES) done();
  });
  const listener = server.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
  const port = (listener.address() as AddressInfo).port;

  const client = rhea.create_container({ id: 'bench-client' });
  const connection = client.connect({ port, host: '127.0.0.1' });
  const sender = connection.open_sender('raw');
  const started = performance.now();
  let sent = 0;
  const pump = () => {
    while (sent < MESSAGES && sender.sendable()) {
      sender.send({ body: JSON.stringify(BODY), message_id: `m-${sent}` });
      sent++;
    }
  };
  sender.on('sendable', pump);
  await finished;
  const rate = MESSAGES / ((performance.now() - started) / 1000);
  connection.close();
  listener.close();
  return rate;
}

async function emulatorThroughput(): Promise<{ send: number; receiveComplete: number }> {
  const emulator = await startEmulator({ port: 0, topology: { queues: [{ name: 'bench' }] } });
  const client = new ServiceBusClient(emulator.connectionString, { retryOptions: RETRY });
  const sender = client.createSender('bench');
  await sender.sendMessages({ body: 'warm-up' });

  const sendStarted = performance.now();
  let sent = 0;
  while (sent < MESSAGES) {
    const batch = await sender.createMessageBatch();
    while (sent < MESSAGES && batch.tryAddMessage({ body: BODY, messageId: `m-${sent}` })) sent++;
    await sender.sendMessages(batch);
  }
  const send = MESSAGES / ((performance.now() - sendStarted) / 1000);

  const receiver = client.createReceiver('bench');
  const receiveStarted = performance.now();
  let received = 0;
  while (received < MESSAGES + 1) {
    const messages: ServiceBusReceivedMessage[] = await receiver.receiveMessages(500, { maxWaitTimeInMs: 2000 });
    if (messages.length === 0) break;
    // Completes only: one outcome per tick, so rhea's disposition merging is harmless here.
    await Promise.all(messages.map((m) => receiver.completeMessage(m)));
    received += messages.length;
  }
  const receiveComplete = received / ((performance.now() - receiveStarted) / 1000);

  await client.close();
  await emulator.stop();
  return { send, receiveComplete };
}

async function main(): Promise<void> {
  await rawRheaThroughput();
  await emulatorThroughput();
  const raws: number[] = [];
  const sends: number[] = [];
  const receives: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raws.push(await rawRheaThroughput());
    const emulator = await emulatorThroughput();
    sends.push(emulator.send);
    receives.push(emulator.receiveComplete);
  }
  const [raw, send, receiveComplete] = [median(raws), median(sends), median(receives)];
  const row = (name: string, rate: number) =>
    `${name.padEnd(38)} ${rate.toFixed(0).padStart(8)} msg/s   ${(rate / raw).toFixed(2)}× raw rhea`;
  process.stdout.write(
    [
      `messages: ${MESSAGES} per run, median of ${ROUNDS} runs after a warm-up, loopback, one process`,
      `${'raw rhea sender → receiver (baseline)'.padEnd(38)} ${raw.toFixed(0).padStart(8)} msg/s`,
      row('emulator: SDK batched send', send),
      row('emulator: SDK receiveMessages+complete', receiveComplete),
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
