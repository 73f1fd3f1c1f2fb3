import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './start-emulator';
import { COMPACTION_FILE, LOG_FILE } from './storage/log-compaction';
import { encodeLogRecord } from './storage/log-record';
import { createTestClient, peekAll } from './testing/test-client';
import type { EmulatorTopology } from './topology';

const TOPOLOGY: EmulatorTopology = { queues: [{ name: 'jobs' }] };

describe('durable storage: recovery from a crash that tore the log', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-recovery-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function bodiesAfterRestart(): Promise<unknown[]> {
    const emulator = await startEmulator({ port: 0, topology: TOPOLOGY, dataDir });
    const client = createTestClient(emulator.connectionString);
    try {
      return (await peekAll(client.createReceiver('jobs'))).map((message) => message.body);
    } finally {
      await client.close();
      await emulator.stop();
    }
  }

  it('ignores a torn last record and a half-written compaction file, keeping everything before them', async () => {
    const emulator = await startEmulator({ port: 0, topology: TOPOLOGY, dataDir });
    const client = createTestClient(emulator.connectionString);
    await client.createSender('jobs').sendMessages([{ body: 'one' }, { body: 'two' }, { body: 'three' }]);
    await client.close();
    await emulator.stop();

    const logFile = join(dataDir, LOG_FILE);
    const intactBytes = statSync(logFile).size;
    // The crash hit while removing message 1 and while a compaction was writing its new file.
    const removal = encodeLogRecord({ kind: 'removed', entity: 'jobs', sequenceNumber: 1 });
    appendFileSync(logFile, removal.subarray(0, removal.length - 3));
    writeFileSync(join(dataDir, COMPACTION_FILE), readFileSync(logFile).subarray(0, 20));

    expect(await bodiesAfterRestart()).toEqual(['one', 'two', 'three']);
    expect(existsSync(join(dataDir, COMPACTION_FILE))).toBe(false);
    // The restart rewrote the log without the torn tail, so later records follow intact ones.
    expect(statSync(logFile).size).toBeLessThanOrEqual(intactBytes);
    expect(await bodiesAfterRestart()).toEqual(['one', 'two', 'three']);
  });

  it('starts empty on a directory that does not exist yet, and creates it', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    expect(await bodiesAfterRestart()).toEqual([]);
    expect(existsSync(join(dataDir, LOG_FILE))).toBe(true);
  });
});
