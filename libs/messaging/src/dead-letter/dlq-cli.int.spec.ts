import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ServiceBusClient } from '@azure/service-bus';
import { RunningEmulator } from '@comply/servicebus-emulator';
import { startTestServiceBus, workspaceRoot } from '@comply/testing';
import { recordStored, TEST_RETRY } from '../testing/messaging-test-bed';

const run = promisify(execFile);

describe('npm run dlq (the CLI as a child process)', () => {
  jest.setTimeout(30_000);
  let bus: RunningEmulator;
  let client: ServiceBusClient;

  async function dlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['-r', '@swc-node/register', 'libs/messaging/src/dead-letter/dlq-cli.ts', ...args], {
        cwd: workspaceRoot(__dirname),
        env: { ...process.env, SERVICEBUS_CONNECTION_STRING: bus.connectionString, SERVICEBUS_NAMESPACE: '' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    bus = await startTestServiceBus();
    client = new ServiceBusClient(bus.connectionString, { retryOptions: TEST_RETRY });
    const sender = client.createSender('core-events');
    await sender.sendMessages(
      ['cli-1', 'cli-2'].map((messageId) => ({ messageId, correlationId: `flow-${messageId}`, subject: 'record.stored.v1', body: recordStored({ recordId: `rec-${messageId}` }) })),
    );
    await sender.close();
    const receiver = client.createReceiver('core-events', 'analytics-ingest');
    for (const reason of ['ContractViolation', 'NoHandler']) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      await receiver.deadLetterMessage(message, { deadLetterReason: reason, deadLetterErrorDescription: `${reason} on purpose` });
    }
    await receiver.close();
  });

  afterAll(async () => {
    await client.close();
    await bus.stop();
  });

  it('lists the dead letters of a subscription as a table with their reasons', async () => {
    const { code, stdout } = await dlq('list', 'core-events/analytics-ingest');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+MESSAGE ID\s+SUBJECT\s+ENQUEUED\s+DELIVERIES\s+REASON\s+DESCRIPTION\s+CORRELATION ID$/);
    expect(lines[1]).toMatch(/^\d+\s+cli-1\s+record\.stored\.v1\s+\S+Z\s+0\s+ContractViolation\s+ContractViolation on purpose\s+flow-cli-1$/);
    expect(lines[2]).toMatch(/^\d+\s+cli-2\s+record\.stored\.v1\s+\S+Z\s+0\s+NoHandler\s+NoHandler on purpose\s+flow-cli-2$/);
    expect(lines[3]).toBe('2 dead-lettered message(s) on core-events/analytics-ingest');
  });

  it('refuses replay and purge without --id or --all, and names the known subscriptions for an unknown one', async () => {
    const replay = await dlq('replay', 'core-events/analytics-ingest');
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('replay needs --id <messageId> (repeatable) or --all');
    const purge = await dlq('purge', 'core-events/analytics-ingest', '--id', 'cli-1', '--all');
    expect(purge.code).toBe(2);
    expect(purge.stderr).toContain('purge takes --id or --all, not both');
    const unknown = await dlq('list', 'core-events/nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown subscription "core-events/nobody"; known: mapping-events/core-store, core-events/billing,');
    expect(await dlq('list', 'core-events/analytics-ingest')).toMatchObject({ stdout: expect.stringContaining('2 dead-lettered message(s)') });
  });

  it('shows one message, replays it with a record of the replay, and purges the rest', async () => {
    const shown = await dlq('show', 'core-events/analytics-ingest', '--id', 'cli-1');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ messageId: 'cli-1', deadLetterReason: 'ContractViolation', body: { recordId: 'rec-cli-1' } });

    const replayed = await dlq('replay', 'core-events/analytics-ingest', '--id', 'cli-1');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/^replayed cli-1 as cli-1:replay:analytics-ingest:\d+ \(correlation flow-cli-1\)\n1 message\(s\) replayed to core-events\/analytics-ingest\n$/);
    const [record] = replayed.stderr.trim().split('\n').map((line) => JSON.parse(line));
    expect(record).toMatchObject({ msg: 'dead letter replayed', subscription: 'core-events/analytics-ingest', messageId: 'cli-1', correlationId: 'flow-cli-1' });
    const receiver = client.createReceiver('core-events', 'analytics-ingest', { receiveMode: 'receiveAndDelete' });
    const [copy] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.close();
    expect(copy.applicationProperties).toMatchObject({ replayOf: 'cli-1', replayedFor: 'analytics-ingest' });

    const purged = await dlq('purge', 'core-events/analytics-ingest', '--all');
    expect(purged).toMatchObject({ code: 0, stdout: 'purged cli-2\n1 message(s) purged from core-events/analytics-ingest\n' });
    expect((await dlq('list', 'core-events/analytics-ingest')).stdout).toBe('no dead-lettered messages on core-events/analytics-ingest\n');
  });
});
