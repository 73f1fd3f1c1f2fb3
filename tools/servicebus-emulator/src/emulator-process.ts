import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorTopology } from './topology';

export interface EmulatorProcess {
  readonly connectionString: string;
  readonly pid: number;
  stop(): Promise<void>;
  /** Ends the process with SIGKILL, as a crash would, and waits for the exit. */
  kill(): Promise<void>;
}

export interface EmulatorProcessOptions {
  /** Durable storage in this directory (`--data-dir`); unset: memory only. */
  dataDir?: string;
}

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
const START_TIMEOUT_MS = 30_000;

/**
 * The emulator in a process of its own, as a real broker is: what benchmarks measure against, so
 * that broker and clients do not share one event loop. Its CLI prints the connection string once
 * it listens; stop() ends it with SIGTERM and waits for the exit.
 */
export async function startEmulatorProcess(topology: EmulatorTopology, options: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-emulator-'));
  const topologyFile = join(dir, 'topology.json');
  writeFileSync(topologyFile, JSON.stringify(topology));
  const args = [join(__dirname, 'cli.ts'), '--port', '0', '--topology', topologyFile, ...(options.dataDir ? ['--data-dir', options.dataDir] : [])];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], {
    cwd: WORKSPACE_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const connectionString = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`the emulator did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /Endpoint=sb:\/\/\S+/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the emulator exited with ${code} before it listened`));
      });
    });
    const end = async (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    };
    return {
      connectionString,
      pid: child.pid!,
      stop: () => end('SIGTERM'),
      kill: () => end('SIGKILL'),
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
