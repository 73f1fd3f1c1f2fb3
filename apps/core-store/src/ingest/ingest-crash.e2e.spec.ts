import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient, ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RunningEmulator } from '@comply/servicebus-emulator';
import { createTestDatabase, startTestServiceBus, TestDatabase, until, workspaceRoot } from '@comply/testing';
import { Pool } from 'pg';
import { mappingEvent } from '../testing/mapping-fixtures';

const MAPPINGS = 3_000;
/** The killed process's locked messages come back once their lock expires: 3 s here, not the platform's 60. */
const LOCK_DURATION_MS = 3_000;
const TENANT = 'crash-tenant';

interface CoreStoreProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/**
 * core-store's bus ingest writes no inbox entry: the idempotency ledger alone must make a
 * redelivered message a duplicate. This test kills the service with SIGKILL while it stores
 * mappings, restarts it, and counts: every mapping stored once, one record.stored.v1 per record,
 * nothing left over or dead-lettered.
 */
describe('core-store killed with SIGKILL during bus ingest, then restarted', () => {
  let database: TestDatabase;
  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let admin: Pool;
  const keyDir = mkdtempSync(join(tmpdir(), 'core-store-crash-'));
  const processes: CoreStoreProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('core');
    bus = await startTestServiceBus({ lockDurationMs: LOCK_DURATION_MS });
    client = new ServiceBusClient(bus.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
    admin = new Pool({ connectionString: database.adminUrl, max: 2 });
    await admin.query(`insert into tenants (id, name) values ($1, $1)`, [TENANT]);
    await admin.query(`insert into tenant_configs (tenant_id) values ($1)`, [TENANT]);
  });

  afterAll(async () => {
    for (const started of processes) {
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      await started.exited;
    }
    await client?.close();
    await admin?.end();
    await bus?.stop();
    await database?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  function start(): CoreStoreProcess {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(workspaceRoot(), 'apps/core-store/src/main.ts')], {
      cwd: workspaceRoot(),
      env: {
        ...process.env,
        ...database.serviceEnv,
        PORT: '0',
        LOG_LEVEL: 'warn',
        MIGRATIONS_DIR: join(workspaceRoot(), 'migrations'),
        LOCAL_KEK_FILE: join(keyDir, 'kek.json'),
        SERVICEBUS_CONNECTION_STRING: bus.connectionString,
        CONSUMER_RETRY_BASE_MS: '50',
        CONSUMER_RETRY_MAX_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const started = { child, output, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
    processes.push(started);
    return started;
  }

  async function sendMappings(): Promise<string[]> {
    const events = Array.from({ length: MAPPINGS }, () => mappingEvent(TENANT));
    const sender = client.createSender('mapping-events');
    try {
      for (let i = 0; i < events.length; i += 200) {
        const messages: ServiceBusMessage[] = events.slice(i, i + 200).map((body) => ({
          messageId: body.requestId,
          subject: 'mapping.result.v1',
          contentType: 'application/json',
          body,
          applicationProperties: { tenantId: TENANT },
        }));
        await sender.sendMessages(messages);
      }
    } finally {
      await sender.close();
    }
    return events.map((event) => event.requestId);
  }

  const stored = async () => Number((await admin.query<{ n: string }>('select count(*) as n from storage_records')).rows[0].n);

  /** Records committed, and the service's transactions open at this instant (a batch being stored). */
  async function progress(): Promise<{ stored: number; openBatches: number }> {
    const { rows } = await admin.query<{ stored: string; open: string }>(
      `select (select count(*) from storage_records) as stored,
              (select count(*) from pg_stat_activity
                where datname = current_database() and usename = $1 and xact_start is not null) as open`,
      [database.roles.app],
    );
    return { stored: Number(rows[0].stored), openBatches: Number(rows[0].open) };
  }

  async function peek(subQueueType?: 'deadLetter'): Promise<ServiceBusReceivedMessage[]> {
    const receiver = client.createReceiver('mapping-events', 'core-store', { subQueueType });
    try {
      return await receiver.peekMessages(10);
    } finally {
      await receiver.close();
    }
  }

  /** Fails at once, with what the service wrote, when the process it waits for is gone. */
  function whileRunning(started: CoreStoreProcess) {
    return async <T>(probe: () => Promise<T>) => {
      if (started.child.exitCode !== null) throw new Error(`core-store exited (${started.child.exitCode}):\n${started.output.join('')}`);
      return probe();
    };
  }

  it('stores every mapping once and emits one record.stored.v1 per record', async () => {
    const requestIds = await sendMappings();

    const first = start();
    const atKill = await until(() => whileRunning(first)(progress), (p) => p.stored >= MAPPINGS / 3 && p.openBatches > 0, { timeoutMs: 90_000, intervalMs: 5 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(atKill.stored).toBeLessThan(MAPPINGS);

    const second = start();
    await until(() => whileRunning(second)(stored), (n) => n >= MAPPINGS, { timeoutMs: 90_000 });
    // Messages of batches that committed just before the kill come back when their lock expires,
    // and must complete as duplicates, not be stored again.
    await until(() => whileRunning(second)(() => peek()), (messages) => messages.length === 0, { timeoutMs: 4 * LOCK_DURATION_MS + 20_000 });
    await until(
      () => whileRunning(second)(async () => Number((await admin.query<{ n: string }>(`select count(*) as n from messaging_outbox where sent_at is null`)).rows[0].n)),
      (pending) => pending === 0,
      { timeoutMs: 30_000 },
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const [records] = (
      await admin.query<{ total: string; requests: string }>('select count(*) as total, count(distinct request_id) as requests from storage_records')
    ).rows;
    expect({ total: Number(records.total), requests: Number(records.requests) }).toEqual({ total: MAPPINGS, requests: MAPPINGS });
    const [keys] = (await admin.query<{ n: string }>('select count(*) as n from storage_record_keys')).rows;
    expect(Number(keys.n)).toBe(MAPPINGS);
    const [events] = (
      await admin.query<{ total: string; records: string }>(
        `select count(*) as total, count(distinct body->>'recordId') as records from messaging_outbox where subject = 'record.stored.v1'`,
      )
    ).rows;
    expect({ total: Number(events.total), records: Number(events.records) }).toEqual({ total: MAPPINGS, records: MAPPINGS });
    const [usage] = (await admin.query<{ records: number }>('select records from tenant_usage where tenant_id = $1', [TENANT])).rows;
    expect(usage.records).toBe(MAPPINGS);
    const storedIds = (await admin.query<{ request_id: string }>('select request_id from storage_records')).rows.map((row) => row.request_id);
    expect(storedIds.sort()).toEqual([...requestIds].sort());
    expect(await peek()).toEqual([]);
    expect(await peek('deadLetter')).toEqual([]);
  }, 240_000);
});
