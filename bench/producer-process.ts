/*
 * Producers in processes of their own, as producers are, and how a benchmark starts them: the
 * child prepares everything it will send and prints "ready"; the benchmark starts its clock and
 * writes a line; the child sends, then prints "sent <µs>": the CPU time (user + system) it spent
 * from that line on. Bus producers (bus-producer.ts) derive their message ids from a seed, so a
 * baseline can write the very ids they send.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AuditEventV1, topicOf } from '@comply/contracts';
import type { HttpSenderRequest } from './http-sender';

export interface ProducerProcess {
  pid: number;
  /** Starts sending. */
  go(): void;
  /** Once everything is sent (and answered): the CPU time, µs, the producer spent from `go` on. */
  sent: Promise<number>;
  exited: Promise<number | null>;
}

/** Starts `script` (a file in bench/) with `args` and resolves once it is ready. */
export async function startProducerProcess(script: string, args: string[]): Promise<ProducerProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout });
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      void exited.then((code) => reject(new Error(`${script} exited with ${code} before it was ${what}`)));
    });
  await nextLine('ready');
  const sent = nextLine('done').then((line) => Number(line.split(' ')[1]));
  // A failed run must not leave an unhandled rejection behind; callers await `sent` when they need it.
  sent.catch(() => undefined);
  return { pid: child.pid ?? 0, go: () => child.stdin.write('go\n'), sent, exited };
}

/** The child's side: `prepare` builds what to send and returns how to send it and how to close. */
export function runProducer(prepare: () => Promise<{ send(): Promise<void>; close(): Promise<void> }>): void {
  const main = async () => {
    const producer = await prepare();
    const lines = createInterface({ input: process.stdin });
    process.stdout.write('ready\n');
    const started = await new Promise<boolean>((resolve) => {
      lines.once('line', () => resolve(true));
      // The benchmark went away before starting this producer.
      lines.once('close', () => resolve(false));
    });
    if (!started) process.exit(1);
    const cpu = process.cpuUsage();
    await producer.send();
    const used = process.cpuUsage(cpu);
    process.stdout.write(`sent ${used.user + used.system}\n`);
    await producer.close();
    lines.close();
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** The events bus-producer.ts can send; it builds each one's body. */
export const PRODUCED_EVENT_TYPES = ['mapping.result.v1', 'mapping.batch.v1', 'record.stored.v1', 'audit.event.v1'] as const;
/** Mappings in each mapping.batch.v1 message: as many as an HTTP request of the benchmarks carries. */
export const MAPPINGS_PER_BATCH_MESSAGE = 200;
export type ProducedEventType = (typeof PRODUCED_EVENT_TYPES)[number];

/**
 * The i-th audit.event.v1 of a tenant as the services emit them, in turn: records stored by a
 * batch, a record erased, an API key created, a tenant setting changed. Shared with the
 * benchmarks' baselines, which write entries of the same events.
 */
export function auditEventBody(tenantId: string, index: number): AuditEventV1 {
  const correlationId = randomUUID();
  const occurredAt = new Date().toISOString();
  const source = { service: 'core-store', host: 'core-store-7d9f4c-x2k8q', ip: `203.0.113.${index % 250}`, userAgent: 'comply-sdk-node/1.4.2 (linux; node 22)' };
  const apiKey = { type: 'api_key' as const, id: `key_${(index % 16).toString(16).padStart(4, '0')}` };
  const user = { type: 'user' as const, id: `user_${index % 7}@example.com` };
  switch (index % 4) {
    case 0:
      return {
        actor: apiKey,
        action: 'record.create',
        resource: { type: 'record' },
        outcome: 'success',
        tenantId,
        correlationId,
        occurredAt,
        source,
        details: { channel: 'bus', recordIds: Array.from({ length: 4 }, () => randomUUID()) },
      };
    case 1:
      return { actor: apiKey, action: 'record.delete', resource: { type: 'record', id: randomUUID() }, outcome: 'success', tenantId, correlationId, occurredAt, source, details: { reason: 'request' } };
    case 2:
      return {
        actor: user,
        action: 'api_key.create',
        resource: { type: 'api_key', id: `key_${randomUUID().slice(0, 8)}` },
        outcome: 'success',
        tenantId,
        correlationId,
        occurredAt,
        source,
        details: { name: `ingest-${index}`, scopes: ['ingest', 'read'] },
      };
    default:
      return {
        actor: user,
        action: 'tenant_config.update',
        resource: { type: 'tenant_config', id: tenantId },
        outcome: index % 20 === 3 ? 'denied' : 'success',
        tenantId,
        correlationId,
        occurredAt,
        source,
        details: { changed: ['retentionDays', 'labels.sensitive'], retentionDays: 180 },
      };
  }
}

export interface BusProducerOptions {
  connectionString: string;
  type: ProducedEventType;
  count: number;
  /** Messages per send (fewer when they do not fit one batch). */
  batch: number;
  /** Message ids are `producedMessageId(seed, 0 … count - 1)`. */
  seed: string;
  /** Message i is of tenants[i % tenants.length]. */
  tenants: readonly string[];
  /** Where to send: the type's topic unless given. */
  topic?: string;
}

/** A UUID-shaped message id, the same in every process for the same seed and index. */
export function producedMessageId(seed: string, index: number): string {
  const hex = createHash('sha256').update(`${seed}:${index}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function producedMessageIds(seed: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => producedMessageId(seed, i));
}

/** bus-producer.ts with its messages built and its link open. */
export function startBusProducer(options: BusProducerOptions): Promise<ProducerProcess> {
  const { connectionString, type, count, batch, seed, tenants, topic = topicOf(type) } = options;
  return startProducerProcess('bus-producer.ts', [connectionString, type, String(count), String(batch), seed, tenants.join(','), topic]);
}

/** http-sender.ts with `requests` read and its clients ready to POST them to `url`, `clients` at a time. */
export async function startHttpSender(url: string, requests: HttpSenderRequest[], clients: number): Promise<ProducerProcess> {
  const scratch = mkdtempSync(join(tmpdir(), 'http-sender-'));
  try {
    const file = join(scratch, 'requests.json');
    writeFileSync(file, JSON.stringify(requests));
    return await startProducerProcess('http-sender.ts', [url, file, String(clients)]);
  } finally {
    // The sender has read the file once it is ready.
    rmSync(scratch, { recursive: true, force: true });
  }
}
