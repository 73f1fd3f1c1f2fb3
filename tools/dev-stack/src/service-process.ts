import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ServiceDescriptor } from '@comply/config';

export interface ServiceProcess {
  service: ServiceDescriptor;
  url: string;
  logFile: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts one service as its own Node process from source. Its JSON log goes to a file; its
 * stderr (start-up failures) is echoed, prefixed with the service name.
 */
export function spawnService(options: {
  service: ServiceDescriptor;
  root: string;
  port: number;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): ServiceProcess {
  const { service } = options;
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${service.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', service.name, 'src', 'main.ts')], {
    cwd: options.root,
    env: { ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.write(`${line}\n`);
    process.stderr.write(`[${service.name}] ${line}\n`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    service,
    url: `http://127.0.0.1:${options.port}`,
    logFile,
    child,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Polls /health/ready until 200; fails early if the process exits. */
export async function waitUntilReady(processInfo: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let exited = false;
  void processInfo.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${processInfo.service.name} exited during start (see ${processInfo.logFile})`);
    try {
      const response = await fetch(`${processInfo.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${processInfo.service.name} not ready after ${timeoutMs} ms (last: ${last})`);
}
