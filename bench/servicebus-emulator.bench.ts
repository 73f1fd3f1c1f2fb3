/*
 * Throughput of the Service Bus emulator driven by the real SDK, next to raw rhea
 * sender → receiver throughput on the same machine (one AMQP transfer per message, both ends in
 * one process: the ceiling for per-message work in one event loop), printed as ratios. The
 * emulator runs in a process of its own, as a real broker does; for reference the raw figure with
 * the receiver in its own process is printed too. Each figure is the median of ROUNDS runs after
 * a warm-up. Batched sends pack many messages into one transfer, so they can beat the per-message
 * ceiling. The same figures are taken from a second emulator process with durable storage (a data
 * directory in the system's temp dir: fdatasync before every acknowledgement, group commit), and
 * printed against the in-memory emulator too.
 * Run: node -r @swc-node/register bench/servicebus-emulator.bench.ts
 */
import { ServiceBusClient } from '@azure/service-bus';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulatorProcess } from '@comply/servicebus-emulator';
import { Cleanup, median, runBenchmark } from './bench-support';
import { BODY, rawRheaOtherProcessThroughput, rawRheaThroughput, startRawReceiverProcess } from './raw-amqp';

const MESSAGES = 10_000;
const ROUNDS = 3;
const RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 30_000 };

async function emulatorThroughput(connectionString: string): Promise<{ send: number; receiveComplete: number }> {
  const client = new ServiceBusClient(connectionString, { retryOptions: RETRY });
  const sender = client.createSender('bench');

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
  while (received < MESSAGES) {
    // Never ask for more than is left: receiveMessages waits a second for a batch it cannot fill.
    const messages = await receiver.receiveMessages(Math.min(500, MESSAGES - received), { maxWaitTimeInMs: 5_000 });
    if (messages.length === 0) throw new Error(`received ${received} of ${MESSAGES} messages`);
    // Completes only: one outcome per tick, so rhea's disposition merging is harmless here.
    await Promise.all(messages.map((m) => receiver.completeMessage(m)));
    received += messages.length;
  }
  const receiveComplete = received / ((performance.now() - receiveStarted) / 1000);

  await client.close();
  return { send, receiveComplete };
}

async function main(cleanups: Cleanup[]): Promise<void> {
  const emulator = await startEmulatorProcess({ queues: [{ name: 'bench' }] });
  cleanups.push(() => emulator.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const durableEmulator = await startEmulatorProcess({ queues: [{ name: 'bench' }] }, { dataDir });
  cleanups.push(() => durableEmulator.stop());
  const rawReceiver = await startRawReceiverProcess();
  cleanups.push(() => rawReceiver.stop());

  const raws: number[] = [];
  const rawOtherProcess: number[] = [];
  const sends: number[] = [];
  const receives: number[] = [];
  const durableSends: number[] = [];
  const durableReceives: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const raw = await rawRheaThroughput(MESSAGES);
    const other = await rawRheaOtherProcessThroughput(MESSAGES, rawReceiver.port);
    const measured = await emulatorThroughput(emulator.connectionString);
    const durable = await emulatorThroughput(durableEmulator.connectionString);
    // Round 0 warms up both processes' JIT and connections; it is not counted.
    if (round === 0) continue;
    raws.push(raw);
    rawOtherProcess.push(other);
    sends.push(measured.send);
    receives.push(measured.receiveComplete);
    durableSends.push(durable.send);
    durableReceives.push(durable.receiveComplete);
  }
  const [raw, send, receiveComplete] = [median(raws), median(sends), median(receives)];
  const row = (name: string, rate: number, inMemory?: number) =>
    `${name.padEnd(44)} ${rate.toFixed(0).padStart(8)} msg/s   ${(rate / raw).toFixed(2)}× raw rhea` +
    (inMemory === undefined ? '' : `   ${(rate / inMemory).toFixed(2)}× in memory`);
  process.stdout.write(
    [
      `messages: ${MESSAGES} per run, median of ${ROUNDS} runs after a warm-up, loopback; the emulator in its own process`,
      `${'raw rhea sender → receiver (baseline)'.padEnd(44)} ${raw.toFixed(0).padStart(8)} msg/s`,
      row('raw rhea, receiver in its own process (ref.)', median(rawOtherProcess)),
      row('emulator: SDK batched send', send),
      row('emulator: SDK receiveMessages+complete', receiveComplete),
      row('durable emulator: SDK batched send', median(durableSends), send),
      row('durable emulator: receiveMessages+complete', median(durableReceives), receiveComplete),
      '',
    ].join('\n'),
  );
}

runBenchmark(main);
