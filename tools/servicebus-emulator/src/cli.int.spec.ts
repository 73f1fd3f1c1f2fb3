import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestClient } from './testing/test-client';

describe('cli', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    child?.kill('SIGTERM');
  });

  it('starts from a topology file and prints a connection string the SDK can use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-emulator-'));
    const topology = join(dir, 'topology.json');
    writeFileSync(topology, JSON.stringify({ queues: [{ name: 'from-file' }] }));
    const workspaceRoot = join(__dirname, '..', '..', '..');
    child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'cli.ts'), '--port', '0', '--topology', topology],
      { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const connectionString = await new Promise<string>((resolve, reject) => {
      let output = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Endpoint=sb:\/\/\S+/.exec(output);
        if (match) resolve(match[0]);
      });
      child!.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
    });
    expect(connectionString).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*UseDevelopmentEmulator=true$/);

    const client = createTestClient(connectionString);
    await client.createSender('from-file').sendMessages({ body: 'hello' });
    const receiver = client.createReceiver('from-file', { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message.body).toBe('hello');
    await client.close();
  }, 30_000);
});
