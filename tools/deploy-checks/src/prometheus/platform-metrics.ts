import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SERVICES, ServiceDescriptor } from '@comply/config';
import { freePort } from '@comply/local-infra';
import {
  createTestDatabase,
  ServiceProcess,
  spawnServiceProcess,
  startTestServiceBus,
  testBlobConnectionString,
  TestDatabase,
  waitUntilReady,
  workspaceRoot,
} from '@comply/testing';
import { exposedNames, metricFamiliesOf } from './promql-metrics';

/** What one running service exposes on /metrics. */
export interface ServiceExposition {
  service: string;
  /** Every name a PromQL selector can use: gauges and counters as declared, histograms with their suffixes. */
  names: Set<string>;
}

/**
 * Starts every service of the platform as `npm start` does (its own process, from source, on a
 * migrated scratch database, with the bus, blob storage and local keys), reads what each exposes on
 * /metrics once it is ready, and stops everything again. Only for int specs: it needs the harness.
 */
export async function platformExpositions(services: readonly ServiceDescriptor[] = SERVICES): Promise<ServiceExposition[]> {
  const keysDir = mkdtempSync(join(tmpdir(), 'platform-metrics-'));
  const databases: TestDatabase[] = [];
  const started: Array<{ process: ServiceProcess; url: string }> = [];
  const bus = await startTestServiceBus();
  try {
    const adminToken = randomBytes(24).toString('base64url');
    const { DATABASE_URL: _withheld, ...inherited } = process.env;
    for (const descriptor of services) {
      const database = await createTestDatabase(descriptor.database);
      databases.push(database);
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...inherited,
        ...database.serviceEnv,
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: adminToken,
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        BLOB_CONNECTION_STRING: testBlobConnectionString(),
        LOCAL_KEK_FILE: join(keysDir, 'kek.json'),
        AUDIT_SIGNING_KEY_FILE: join(keysDir, 'audit-checkpoint-signing-key.pem'),
        PORT: String(port),
      };
      // Its log (warnings and errors only) and stderr are kept to say why it did not start.
      const child = spawnServiceProcess(descriptor.name, ['-r', '@swc-node/register', join('apps', descriptor.name, 'src', 'main.ts')], { cwd: workspaceRoot(), env });
      started.push({ process: child, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(started.map((service) => waitUntilReady(service.process, service.url, 90_000)));
    return await Promise.all(
      started.map(async (service) => {
        const response = await fetch(`${service.url}/metrics`);
        if (response.status !== 200) throw new Error(`${service.process.name} /metrics answered ${response.status}`);
        const families = metricFamiliesOf(await response.text());
        return { service: service.process.name, names: new Set(families.flatMap(exposedNames)) };
      }),
    );
  } finally {
    await Promise.all(started.map((service) => service.process.stop()));
    await bus.stop();
    for (const database of databases) await database.drop();
    rmSync(keysDir, { recursive: true, force: true });
  }
}
