import { EmulatorProcess, startEmulatorProcess } from './emulator-process';
import { createTestClient } from './testing/test-client';

describe('cli', () => {
  let emulator: EmulatorProcess | undefined;

  afterEach(() => emulator?.stop());

  it('starts from a topology file in a process of its own and prints a connection string the SDK can use', async () => {
    emulator = await startEmulatorProcess({ queues: [{ name: 'from-file' }] });
    expect(emulator.connectionString).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*UseDevelopmentEmulator=true$/);

    const client = createTestClient(emulator.connectionString);
    await client.createSender('from-file').sendMessages({ body: 'hello' });
    const receiver = client.createReceiver('from-file', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message.body).toBe('hello');
    await client.close();
  }, 30_000);
});
