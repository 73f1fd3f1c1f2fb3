import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SERVICES, ServiceDescriptor } from '@comply/config';
import { freePort } from '@comply/local-infra';
import { createTestDatabase, startTestServiceBus, testBlobConnectionString, TestDatabase, workspaceRoot } from '@comply/testing';
import { exposedNames, metricFamiliesOf } from './grafana-promql-metrics';

/** What one running service exposes on /metrics. */
export interface ServiceExposition {
  service: string;
  /** Every name a PromQL selector can use: gauges and counters as declared, histograms with their suffixes. */
  names: Set<string>;
}

interface StartedService {
  descriptor: ServiceDescriptor;
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: string[];
}

function spawnFromSource(descriptor: ServiceDescriptor, port: number, env: NodeJS.ProcessEnv): StartedService {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', descriptor.name, 'src', 'main.ts')], {
    cwd: workspaceRoot(),
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its log (warnings and errors only) and stderr, to say why it did not start.
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { descriptor, child, url: `http://127.0.0.1:${port}`, exited, output };
}

async function waitUntilReady(service: StartedService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  let last = 'no answer';
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.descriptor.name} exited during start:\n${service.output.join('')}`);
    try {
      const response = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.descriptor.name} not ready after ${timeoutMs} ms (last: ${last}):\n${service.output.join('')}`);
}

async function stopService(service: StartedService): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
  await service.exited;
  clearTimeout(timer);
}

/**
 * Starts every service of the platform as `npm start` does (its own process, from source, on a
 * migrated scratch database, with the bus, blob storage and local keys), reads what each exposes on
 * /metrics once it is ready, and stops everything again. Only for int specs: it needs the harness.
 */
export async function platformExpositions(services: readonly ServiceDescriptor[] = SERVICES): Promise<ServiceExposition[]> {
  const keysDir = mkdtempSync(join(tmpdir(), 'grafana-metrics-'));
  const databases: TestDatabase[] = [];
  const started: StartedService[] = [];
  const bus = await startTestServiceBus();
  try {
    const adminToken = randomBytes(24).toString('base64url');
    const { DATABASE_URL: _withheld, ...inherited } = process.env;
    for (const descriptor of services) {
      const database = await createTestDatabase(descriptor.database);
      databases.push(database);
      const env: NodeJS.ProcessEnv = {
        ...inherited,
        ...database.serviceEnv,
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: adminToken,
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        BLOB_CONNECTION_STRING: testBlobConnectionString(),
        LOCAL_KEK_FILE: join(keysDir, 'kek.json'),
        AUDIT_SIGNING_KEY_FILE: join(keysDir, 'audit-checkpoint-signing-key.pem'),
      };
      started.push(spawnFromSource(descriptor, await freePort(), env));
    }
    await Promise.all(started.map((service) => waitUntilReady(service, 90_000)));
    return await Promise.all(
      started.map(async (service) => {
        const response = await fetch(`${service.url}/metrics`);
        if (response.status !== 200) throw new Error(`${service.descriptor.name} /metrics answered ${response.status}`);
        const families = metricFamiliesOf(await response.text());
        return { service: service.descriptor.name, names: new Set(families.flatMap(exposedNames)) };
      }),
    );
  } finally {
    await Promise.all(started.map(stopService));
    await bus.stop();
    for (const database of databases) await database.drop();
    rmSync(keysDir, { recursive: true, force: true });
  }
}
