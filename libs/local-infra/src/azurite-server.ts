import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { azuriteConnectionString } from '@comply/config';

export interface AzuriteOptions {
  /** Loopback unless told otherwise. */
  host?: string;
  /** 0 lets the server pick a free port. */
  port: number;
  /**
   * Keeps blobs and their metadata in this folder, where a later start finds them again.
   * Unset: in memory only, gone when the server stops.
   */
  location?: string;
  startTimeoutMs?: number;
}

export interface RunningAzurite {
  host: string;
  port: number;
  /** Connection string of the emulator's well-known account (no secret: see azurite-account.ts). */
  connectionString: string;
  /** PID of the Azurite process. */
  pid: number;
  stop(): Promise<void>;
}

const PROCESS_SCRIPT = join(__dirname, 'azurite-blob-process.mjs');
const LISTENING = /successfully listens on https?:\/\/[^\s:]+:(\d+)/;
// Variables that would switch Azurite to SQL metadata or other accounts than the well-known one.
const WITHHELD = ['AZURITE_DB', 'AZURITE_ACCOUNTS'];

/**
 * Starts Azurite's blob service (the `azurite` npm package; it offers no public programmatic API,
 * so its command runs in a child process) with `--skipApiVersionCheck`, since the newest
 * @azure/storage-blob sends API versions Azurite does not know yet, and `--disableTelemetry`.
 */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const args = ['--blobHost', host, '--blobPort', String(options.port), '--skipApiVersionCheck', '--disableTelemetry', '--silent'];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const env = { ...process.env };
  for (const name of WITHHELD) delete env[name];
  const child = spawn(process.execPath, [PROCESS_SCRIPT, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2_000)));

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout });
    const onLine = (line: string) => {
      const listening = LISTENING.exec(line);
      if (!listening) return;
      clearTimeout(timer);
      lines.off('line', onLine);
      // Keep reading, so that a full pipe never blocks the server.
      lines.on('line', () => undefined);
      resolve(Number(listening[1]));
    };
    lines.on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before it was ready${errors ? `: ${errors.trim()}` : ''}`));
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    connectionString: azuriteConnectionString(host, port),
    pid: child.pid as number,
    stop() {
      // Closing stdin asks Azurite to shut down cleanly, which writes its metadata to `location`.
      stopped ??= (async () => {
        child.stdin.end();
        await exited;
      })();
      return stopped;
    },
  };
}
