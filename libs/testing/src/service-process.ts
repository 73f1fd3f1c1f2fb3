import { ChildProcess, spawn } from 'node:child_process';

/** A program of the platform running as its own Node process, its output kept to say why it failed. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
  /** SIGTERM, then SIGKILL if it has not exited after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The program to run; this Node by default. */
  command?: string;
}

export function spawnServiceProcess(name: string, args: string[], options: ServiceProcessOptions): ServiceProcess {
  const child = spawn(options.command ?? process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    output,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `<url>/health/ready` until 200; fails early, with the process's output, if it exits. */
export async function waitUntilReady(service: ServiceProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  let last = 'no answer';
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.name} exited during start:\n${service.output.join('')}`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} not ready after ${timeoutMs} ms (last: ${last}):\n${service.output.join('')}`);
}

/** Runs a program to its end: its exit code and everything it printed. */
export async function runToCompletion(name: string, args: string[], options: ServiceProcessOptions) {
  const run = spawnServiceProcess(name, args, options);
  const code = await run.exited;
  return { code, output: run.output.join('') };
}
