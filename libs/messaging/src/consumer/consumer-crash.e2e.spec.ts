import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { createTestDatabase, startTestServiceBus, TestDatabase, workspaceRoot } from '@comply/testing';
import { Pool } from 'pg';
import { TEST_RETRY } from '../testing/messaging-test-bed';

const FIXTURE = join(__dirname, '..', 'testing', 'consumer-process.fixture.ts');
const MESSAGES = 3_000;
/**
 * Messages locked by the killed process return only when their lock expires; the platform's 60 s
 * would make the test wait a minute, so this test's emulator locks for 3 s.
 */
const LOCK_DURATION_MS = 3_000;

interface ConsumerProcess {
  child: ChildProcess;
  /** Everything it wrote, for failure messages. */
  output: string[];
  exited: Promise<number | null>;
}

function spawnConsumer(env: Record<string, string>): ConsumerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', FIXTURE], {
    cwd: workspaceRoot(),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Polls until `done`; fails on timeout or when the consumer it depends on has exited. */
async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, consumer?: ConsumerProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    const exitCode = consumer?.child.exitCode ?? consumer?.child.signalCode;
    if (exitCode != null || Date.now() > deadline) {
      const why = exitCode != null ? `the consumer exited (${exitCode})` : `${timeoutMs} ms passed`;
      throw new Error(`${what}: ${why}; last value ${JSON.stringify(value)}\n${consumer?.output.join('') ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a analytics-ingest consumer killed with SIGKILL mid-batch, then restarted', () => {
  let database: TestDatabase;
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let admin: Pool;
  const consumers: ConsumerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('analytics');
    bus = await startTestServiceBus({ lockDurationMs: LOCK_DURATION_MS });
    client = new ServiceBusClient(bus.connectionString, { retryOptions: TEST_RETRY });
    admin = new Pool({ connectionString: database.adminUrl, max: 2 });
    // Created as the owner, so the default privileges let the application role write to it.
    await admin.query(`set role ${database.roles.owner}; create table effects (message_id text, record_id text); reset role`);
  });

  afterAll(async () => {
    for (const consumer of consumers) {
      if (consumer.child.exitCode === null && consumer.child.signalCode === null) consumer.child.kill('SIGKILL');
      await consumer.exited;
    }
    await client?.close();
    await admin?.end();
    await bus?.stop();
    await database?.drop();
  });

  function start(): ConsumerProcess {
    const consumer = spawnConsumer({ ...database.serviceEnv, SERVICEBUS_CONNECTION_STRING: bus.connectionString });
    consumers.push(consumer);
    return consumer;
  }

  async function sendDeletions(count: number): Promise<void> {
    const sender = client.createSender('core-events');
    try {
      let batch = await sender.createMessageBatch();
      for (let i = 0; i < count; i++) {
        const message = {
          messageId: `deletion-${i}`,
          subject: 'record.deleted.v1',
          contentType: 'application/json',
          body: { tenantId: 'tenant-a', recordId: `rec-${i}`, reason: 'retention', deletedAt: new Date().toISOString() },
        };
        if (batch.tryAddMessage(message)) continue;
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        batch.tryAddMessage(message);
      }
      await sender.sendMessages(batch);
    } finally {
      await sender.close();
    }
  }

  /** Committed effects, and the consumer's transactions open at this instant (a batch in progress). */
  async function progress(): Promise<{ effects: number; openBatches: number }> {
    const { rows } = await admin.query<{ effects: string; open_batches: string }>(
      `select (select count(*) from effects) as effects,
              (select count(*) from pg_stat_activity
                where datname = current_database() and state = 'idle in transaction') as open_batches`,
    );
    return { effects: Number(rows[0].effects), openBatches: Number(rows[0].open_batches) };
  }

  async function peek(subQueueType?: 'deadLetter'): Promise<ServiceBusReceivedMessage[]> {
    const receiver = client.createReceiver('core-events', 'analytics-ingest', { subQueueType });
    try {
      return await receiver.peekMessages(10);
    } finally {
      await receiver.close();
    }
  }

  async function drain(subQueueType?: 'deadLetter'): Promise<ServiceBusReceivedMessage[]> {
    const receiver = client.createReceiver('core-events', 'analytics-ingest', { receiveMode: 'receiveAndDelete', subQueueType });
    const received: ServiceBusReceivedMessage[] = [];
    try {
      for (;;) {
        const batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1_000 });
        if (batch.length === 0) return received;
        received.push(...batch);
      }
    } finally {
      await receiver.close();
    }
  }

  it('applies every message exactly once and leaves nothing in the subscription or its dead-letter queue', async () => {
    await sendDeletions(MESSAGES);

    const first = start();
    const atKill = await waitFor('first consumer midway through a batch', progress, (p) => p.effects >= MESSAGES / 3 && p.openBatches > 0, 60_000, first);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(atKill.effects).toBeLessThan(MESSAGES);

    const second = start();
    await waitFor('every effect after the restart', progress, (p) => p.effects >= MESSAGES, 60_000, second);
    // Messages whose batch committed just before the kill come back after their lock expires; the
    // consumer must complete them as duplicates before the subscription is empty.
    await waitFor('subscription empty', () => peek(), (messages) => messages.length === 0, 4 * LOCK_DURATION_MS + 10_000, second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const [effects] = (
      await admin.query<{ total: string; records: string }>('select count(*) as total, count(distinct record_id) as records from effects')
    ).rows;
    expect({ total: Number(effects.total), records: Number(effects.records) }).toEqual({ total: MESSAGES, records: MESSAGES });
    const [inbox] = (await admin.query<{ total: string }>('select count(*) as total from messaging_inbox')).rows;
    expect(Number(inbox.total)).toBe(MESSAGES);
    expect(await drain()).toEqual([]);
    expect(await peek()).toEqual([]);
    expect(await peek('deadLetter')).toEqual([]);
    expect(await drain('deadLetter')).toEqual([]);
  }, 180_000);
});
