import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES, serviceNamed, type DatabaseName, type ServiceName } from '@comply/config';
import { BACKUP_DATABASES } from '@comply/contracts';
import { freePort } from '@comply/local-infra';
import {
  createTestDatabase,
  spawnServiceProcess,
  testAdminUrl,
  testBlobConnectionString,
  testRedisUrl,
  until,
  waitUntilReady,
  workspaceRoot,
  type ServiceProcess,
  type TestDatabase,
} from '@comply/testing';
import { Client } from 'pg';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';
import { blobConnectionStringThrough, blobTarget, brokerConnectionStringThrough, brokerTarget, redisTarget, redisUrlThrough } from './proxied-endpoints';
import { startTcpFaultProxy, type TcpFaultProxy } from '@comply/testing';
import { callJson, expectStatus } from '../platform-api';

const START_TIMEOUT_MS = 180_000;

/**
 * A TCP fault proxy between the services and each thing they connect to. The suite itself (load,
 * counts, dead letters, terminating connections) connects directly, so it sees through the faults.
 */
export interface FaultProxies {
  /** The broker's AMQP port. */
  broker: TcpFaultProxy;
  /** The PostgreSQL server of every scratch database (backup-worker's snapshot source included). */
  postgres: TcpFaultProxy;
  /** Redis, which core-store caches records in. */
  redis: TcpFaultProxy;
  /** Azurite's blob endpoint: audit-writer's checkpoints and archives, backup-worker's backups. */
  blob: TcpFaultProxy;
}

/**
 * The five services in processes of their own, on scratch databases, Redis, Azurite and a broker
 * process with durable storage, each reached through a fault proxy; any service can be SIGKILLed
 * and started again on the same database, environment and port.
 */
export interface FaultPlatform {
  urls: Record<ServiceName, string>;
  adminToken: string;
  /** billing's Stripe webhook signing secret. */
  stripeWebhookSecret: string;
  broker: BrokerProcess;
  /** The run's own PostgreSQL server, which holds the scratch databases and can be crashed and restarted. */
  postgres: PrivatePostgres;
  proxies: FaultProxies;
  databases: Record<DatabaseName, TestDatabase>;
  databaseOf(service: ServiceName): TestDatabase;
  /** SIGKILL, as a crash would; waits for the exit. */
  kill(service: ServiceName): Promise<void>;
  /** Starts it again and waits until it is ready. */
  restart(service: ServiceName): Promise<void>;
  /** `pg_terminate_backend` of every connection its app role holds to its database; how many there were. */
  terminateConnections(service: ServiceName): Promise<number>;
  /**
   * Waits until every service answers `/health/ready` with 200 again (after a fault of something
   * they depend on); what was still wrong after `timeoutMs`, one line per service, empty when whole.
   */
  whenReady(timeoutMs: number): Promise<string[]>;
  /** Every time a service exited without the suite killing or stopping it: a crash, each one a finding. */
  crashes(): string[];
  /** Everything a service printed, over all its lives. */
  outputOf(service: ServiceName): string;
  /** The process id of its current life. */
  pidOf(service: ServiceName): number;
  stop(): Promise<void>;
}

/**
 * backup-worker backs up this run's scratch `core` (its source as the platform_backup role) only
 * when asked (`POST /v1/backups`): no schedule, so backups of databases this run does not name never start.
 */
function backupWorkerEnvironment(core: TestDatabase): NodeJS.ProcessEnv {
  return {
    BACKUP_SOURCE_CORE_DB: core.name,
    ...Object.fromEntries(BACKUP_DATABASES.map((database) => [`BACKUP_INTERVAL_${database.toUpperCase()}_MS`, '0'])),
    BACKUP_VERIFY_INTERVAL_MS: '0',
    BACKUP_START_DELAY_MS: '3600000',
  };
}

/** audit-writer signs and stores checkpoints every 2 s instead of every minute, so that a blob outage lands on some. */
const AUDIT_WRITER_ENVIRONMENT: NodeJS.ProcessEnv = { AUDIT_CHECKPOINT_INTERVAL_MS: '2000' };

export async function startFaultPlatform(options: { lockDurationMs: number }): Promise<FaultPlatform> {
  const keysDir = mkdtempSync(join(tmpdir(), 'platform-faults-'));
  const adminToken = randomBytes(24).toString('base64url');
  const stripeWebhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const databases = {} as Record<DatabaseName, TestDatabase>;
  const environments = {} as Record<ServiceName, NodeJS.ProcessEnv>;
  const running = new Map<ServiceName, ServiceProcess>();
  const lives = new Map<ServiceName, string[][]>();
  const urls = {} as Record<ServiceName, string>;
  const crashes: string[] = [];
  /** Processes the suite SIGKILLs or stops, whose exit is expected. */
  const ended = new Set<ServiceProcess>();
  const postgres = await startPrivatePostgres();
  const broker = await startBrokerProcess(options).catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });
  const proxies: Partial<FaultProxies> = {};
  const spawnService = (name: ServiceName) => {
    const main = join('apps', name, 'src', 'main.ts');
    const service = spawnServiceProcess(name, ['-r', '@swc-node/register', main], { cwd: workspaceRoot(), env: environments[name] });
    running.set(name, service);
    const life = (lives.get(name)?.length ?? 0) + 1;
    lives.set(name, [...(lives.get(name) ?? []), service.output]);
    void service.exited.then((code) => {
      if (!ended.has(service)) crashes.push(`${name} exited by itself in life ${life} (code ${code}, signal ${service.child.signalCode}); its log: .artifacts/faults/${name}.log`);
    });
    return service;
  };
  // Every step runs even when one before it fails, so a failed run leaves no database or directory behind.
  const stop = async () => {
    const steps = [
      () =>
        Promise.all(
          [...running.values()].map((service) => {
            ended.add(service);
            return service.stop();
          }),
        ),
      ...Object.values(proxies).map((proxy) => () => proxy.close()),
      () => broker.stop(),
      ...Object.values(databases).map((database) => () => database.drop()),
      () => postgres.stop(),
      async () => rmSync(keysDir, { recursive: true, force: true }),
    ];
    const failed: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failed.push(error));
    if (failed.length) throw new AggregateError(failed, 'stopping the platform failed');
  };
  try {
    proxies.postgres = await startTcpFaultProxy({ host: '127.0.0.1', port: postgres.port });
    proxies.broker = await startTcpFaultProxy(brokerTarget(broker.connectionString));
    proxies.redis = await startTcpFaultProxy(redisTarget(testRedisUrl()));
    proxies.blob = await startTcpFaultProxy(blobTarget(testBlobConnectionString()));
    const { DATABASE_URL: _withheld, ...inherited } = process.env;
    for (const descriptor of SERVICES) {
      const database = await createTestDatabase(descriptor.database);
      databases[descriptor.database] = database;
      const port = await freePort();
      environments[descriptor.name] = {
        ...inherited,
        ...database.serviceEnv,
        DB_HOST: '127.0.0.1',
        DB_PORT: String(proxies.postgres.port),
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: adminToken,
        API_KEY_CACHE_TTL_MS: '0',
        // Above the 10 s locks here, as the default (120 s) is above the platform's 60 s.
        CONSUMER_STALL_MS: '20000',
        SERVICEBUS_CONNECTION_STRING: brokerConnectionStringThrough(broker.connectionString, proxies.broker.port),
        REDIS_URL: redisUrlThrough(testRedisUrl(), proxies.redis.port),
        BLOB_CONNECTION_STRING: blobConnectionStringThrough(testBlobConnectionString(), proxies.blob.port),
        LOCAL_KEK_FILE: join(keysDir, 'kek.json'),
        AUDIT_SIGNING_KEY_FILE: join(keysDir, 'audit-checkpoint-signing-key.pem'),
        PORT: String(port),
        ...(descriptor.name === 'backup-worker' ? backupWorkerEnvironment(databases.core) : {}),
        ...(descriptor.name === 'audit-writer' ? AUDIT_WRITER_ENVIRONMENT : {}),
        ...(descriptor.name === 'billing' ? { STRIPE_WEBHOOK_SECRETS: stripeWebhookSecret } : {}),
      };
      urls[descriptor.name] = `http://127.0.0.1:${port}`;
    }
    const started = SERVICES.map((descriptor) => spawnService(descriptor.name));
    await Promise.all(started.map((service) => waitUntilReady(service, urls[service.name as ServiceName], START_TIMEOUT_MS)));
  } catch (error) {
    await stop();
    throw error;
  }
  const databaseOf = (service: ServiceName) => databases[serviceNamed(service).database];
  return {
    urls,
    adminToken,
    stripeWebhookSecret,
    broker,
    postgres,
    proxies: proxies as FaultProxies,
    databases,
    databaseOf,
    async kill(name) {
      const service = running.get(name);
      if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
      ended.add(service);
      service.child.kill('SIGKILL');
      await service.exited;
    },
    async restart(name) {
      await waitUntilReady(spawnService(name), urls[name], START_TIMEOUT_MS);
    },
    async terminateConnections(name) {
      const database = databaseOf(name);
      const admin = new Client({ connectionString: testAdminUrl() });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ terminated: boolean }>(
          'select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = $1 and usename = $2',
          [database.name, database.roles.app],
        );
        return rows.filter((row) => row.terminated).length;
      } finally {
        await admin.end();
      }
    },
    async whenReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const problems = await Promise.all(
        SERVICES.map(async ({ name }): Promise<string | undefined> => {
          let last = 'no answer';
          while (Date.now() < deadline) {
            const service = running.get(name);
            if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return `${name} is not running`;
            try {
              // Longer than a readiness check's own 3 s timeout, so a hung check comes back named in the 503.
              const response = await fetch(`${urls[name]}/health/ready`, { signal: AbortSignal.timeout(5_000) });
              if (response.status === 200) return undefined;
              last = `${response.status} ${(await response.text()).slice(0, 300)}`;
            } catch (error) {
              last = (error as Error).message;
            }
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
          return `${name} not ready ${timeoutMs} ms after the fault (last: ${last})`;
        }),
      );
      return problems.filter((problem): problem is string => problem !== undefined);
    },
    crashes: () => [...crashes],
    pidOf: (name) => running.get(name)?.child.pid ?? 0,
    outputOf: (name) => (lives.get(name) ?? []).map((output, life) => `--- life ${life + 1}\n${output.join('')}`).join('\n'),
    stop,
  };
}


export interface LoadTenant {
  id: string;
  /** A key with `ingest` and `read`. */
  key: string;
}

/** The pro plan's monthly records: a quota the load never reaches, so nothing is refused for it. */
const PRO_PLAN_QUOTA = 1_000_000;

/**
 * Tenants the load writes for, through the operators' APIs: created in core-store, each with an
 * ingest key, put on the pro plan by a billing override (the free tier's 1,000 records a month would
 * refuse part of the load), and known to every service's replica of the directory.
 */
export async function arrangeLoadTenants(platform: FaultPlatform, count: number): Promise<LoadTenant[]> {
  const core = platform.urls['core-store'];
  const admin = platform.adminToken;
  const run = randomBytes(4).toString('hex');
  const tenants: LoadTenant[] = [];
  for (let index = 0; index < count; index++) {
    const id = `fault-${run}-${index}`;
    await expectStatus(`create tenant ${id}`, callJson(`${core}/admin/tenants`, 'POST', admin, { id, name: `Fault tenant ${index} ${run}` }), 201);
    const issued = await expectStatus(`issue a key of ${id}`, callJson<{ key: string }>(`${core}/admin/tenants/${id}/api-keys`, 'POST', admin, { name: 'load', scopes: ['ingest', 'read'] }), 201);
    tenants.push({ id, key: issued.key });
  }
  for (const tenant of tenants) {
    for (const [service, url] of Object.entries(platform.urls)) {
      const answer = await until(() => fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${tenant.key}` } }), (response) => response.status === 200, { timeoutMs: 60_000, intervalMs: 250 });
      if (answer.status !== 200) throw new Error(`${service} does not know ${tenant.id}'s key: ${answer.status}`);
    }
    await expectStatus(`pro plan for ${tenant.id}`, callJson(`${platform.urls.billing}/admin/tenants/${tenant.id}/plan-override`, 'PUT', admin, { planCode: 'pro' }), 200);
    const config = await until(
      () => callJson<{ monthlyRecordQuota: number | null }>(`${core}/admin/tenants/${tenant.id}/config`, 'GET', admin),
      (answer) => answer.status === 200 && answer.body.monthlyRecordQuota === PRO_PLAN_QUOTA,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    if (config.body.monthlyRecordQuota !== PRO_PLAN_QUOTA) throw new Error(`core-store did not get ${tenant.id}'s pro quota: ${JSON.stringify(config)}`);
  }
  return tenants;
}

/**
 * A backup of `core` now, through backup-worker's operator API; resolves once the run has completed
 * (its backup.completed.v1 then marks the records it holds in core-store) and throws if it failed.
 */
export async function backUpCore(platform: FaultPlatform): Promise<string> {
  const worker = platform.urls['backup-worker'];
  const started = await expectStatus('POST /v1/backups', callJson<{ id: string }>(`${worker}/v1/backups`, 'POST', platform.adminToken, { database: 'core' }), 202);
  const run = await until(
    () => callJson<{ status: string; error: unknown }>(`${worker}/v1/backups/${started.id}`, 'GET', platform.adminToken),
    (answer) => answer.status === 200 && answer.body.status !== 'running',
    { timeoutMs: 180_000, intervalMs: 1_000 },
  );
  if (run.body.status !== 'completed') throw new Error(`the backup of core did not complete: ${run.status} ${JSON.stringify(run.body)}`);
  return started.id;
}
