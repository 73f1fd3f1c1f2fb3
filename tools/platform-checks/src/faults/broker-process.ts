import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { freePort } from '@comply/local-infra';
import { emulatorTopology } from '@comply/servicebus-emulator';
import { spawnServiceProcess, until, workspaceRoot, type ServiceProcess } from '@comply/testing';

/**
 * The Service Bus emulator in a process of its own with durable storage, on a port that stays its
 * own across restarts, so the services' connection string stays valid when the broker is killed
 * and started again on the same data dir, as `npm start` runs it.
 */
export interface BrokerProcess {
  readonly connectionString: string;
  /** SIGKILL, as a crash would; waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  /** What it printed since it last started. */
  output(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** `lockDurationMs` shortens every subscription's lock: messages a killed service held come back sooner than the platform's 60 s. */
export async function startBrokerProcess(options: { lockDurationMs: number }): Promise<BrokerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-broker-'));
  const dataDir = join(dir, 'data');
  const topologyFile = join(dir, 'topology.json');
  const topology = emulatorTopology(PLATFORM_TOPOLOGY);
  writeFileSync(
    topologyFile,
    JSON.stringify({
      ...topology,
      topics: topology.topics?.map((topic) => ({
        ...topic,
        subscriptions: topic.subscriptions?.map((subscription) => ({ ...subscription, lockDurationMs: options.lockDurationMs })),
      })),
    }),
  );
  const port = await freePort();
  const cli = join(workspaceRoot(), 'tools', 'servicebus-emulator', 'src', 'cli.ts');
  let current: ServiceProcess | undefined;
  let connectionString = '';
  const start = async () => {
    const broker = spawnServiceProcess('servicebus-emulator', ['-r', '@swc-node/register', cli, '--port', String(port), '--topology', topologyFile, '--data-dir', dataDir], {
      cwd: workspaceRoot(),
      env: process.env,
    });
    current = broker;
    let exited = false;
    void broker.exited.then(() => (exited = true));
    const printed = await until(
      async () => broker.output.join(''),
      (output) => exited || /Endpoint=sb:\/\/\S+/.test(output),
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100 },
    );
    const match = /Endpoint=sb:\/\/\S+/.exec(printed);
    if (!match) throw new Error(`the broker did not start on port ${port}:\n${printed}`);
    connectionString = match[0];
  };
  const kill = async () => {
    if (!current || current.child.exitCode !== null || current.child.signalCode !== null) return;
    current.child.kill('SIGKILL');
    await current.exited;
  };
  await start();
  return {
    get connectionString() {
      return connectionString;
    },
    kill,
    restart: start,
    output: () => current?.output.join('') ?? '',
    async stop() {
      try {
        await current?.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
