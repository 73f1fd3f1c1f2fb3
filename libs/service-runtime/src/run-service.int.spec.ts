import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, isPortOpen } from '@comply/local-infra';
import { createTestDatabase, TestDatabase, until, workspaceRoot } from '@comply/testing';

const FIXTURE = join(__dirname, 'test-fixtures', 'slow-service.fixture.ts');

interface ServiceProcess {
  child: ChildProcess;
  port: number;
  lines: Record<string, unknown>[];
  stderr: string[];
  exit: Promise<number | null>;
}

/** Runs the fixture service as a real process, as `npm start` would. */
async function spawnService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', FIXTURE], {
    cwd: workspaceRoot(),
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const listening = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'audit-writer listening') resolve();
    });
  });
  await Promise.race([listening, exit.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr.join('\n')}`)))]);
  return { child, port, lines, stderr, exit };
}

/** Resolves once the service has logged the request's arrival: the signal to act on a request in flight. */
function arrived(service: ServiceProcess, requestId: string): Promise<unknown> {
  return until(
    async () => service.lines.some((line) => line.msg === 'incoming request' && line.reqId === requestId),
    (seen) => seen,
    { timeoutMs: 10_000, intervalMs: 10 },
  );
}

describe('runService (a real service process)', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    env = { ...database.serviceEnv, LOG_LEVEL: 'info' };
  });

  afterAll(() => database.drop());

  it('on SIGTERM stops accepting, finishes the request in flight, closes its pool and exits 0', async () => {
    const service = await spawnService({ ...env, SHUTDOWN_TIMEOUT_MS: '5000' });
    const inFlight = fetch(`http://127.0.0.1:${service.port}/slow?ms=800`, { headers: { 'x-request-id': 'in-flight-1' } });
    await arrived(service, 'in-flight-1');
    service.child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waitedMs: 800 });
    expect(await service.exit).toBe(0);
    expect(await isPortOpen('127.0.0.1', service.port)).toBe(false);

    const messages = service.lines.map((l) => l.msg);
    expect(messages.indexOf('shutting down')).toBeLessThan(messages.indexOf('stopped'));
    const completed = service.lines.find((l) => l.msg === 'request completed' && l.reqId === 'in-flight-1');
    expect(completed).toMatchObject({ res: { statusCode: 200 } });
    expect(service.lines.every((l) => l.service === 'audit-writer')).toBe(true);
  }, 30_000);

  it('gives up after SHUTDOWN_TIMEOUT_MS when work does not finish, exiting 1', async () => {
    const service = await spawnService({ ...env, SHUTDOWN_TIMEOUT_MS: '300' });
    const stuck = fetch(`http://127.0.0.1:${service.port}/slow?ms=20000`, { headers: { 'x-request-id': 'stuck-1' } }).catch((error: Error) => error);
    await arrived(service, 'stuck-1');
    const signalled = Date.now();
    service.child.kill('SIGINT');
    expect(await service.exit).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(service.lines.some((l) => l.msg === 'shutdown timed out; exiting with work unfinished')).toBe(true);
    // The connection is cut: the client sees a network error, not a response.
    expect(await stuck).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  }, 30_000);

  it('exits 1 before opening anything when a variable is malformed, naming it', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', FIXTURE], {
      cwd: workspaceRoot(),
      env: { ...process.env, ...env, DB_POOL_MAX: 'lots' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('audit-writer: Invalid configuration:');
    expect(stderr).toContain('DB_POOL_MAX: expected an integer (got "lots")');
  }, 30_000);
});
