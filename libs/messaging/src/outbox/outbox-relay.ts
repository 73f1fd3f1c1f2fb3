import type { ServiceBusClient, ServiceBusMessageBatch, ServiceBusSender } from '@azure/service-bus';
import type { Logger } from '@comply/observability';
import type { Pool, PoolClient } from 'pg';
import { Counter, Gauge, Registry } from 'prom-client';
import { OUTBOX_CHANNEL } from '../messaging-tables';
import { OutboxRow, toServiceBusMessage } from './outbox-message';

export interface OutboxRelayOptions {
  pool: Pool;
  client: ServiceBusClient;
  logger: Logger;
  registry?: Registry;
  batchSize?: number;
  /** Fallback when a notification is missed (or LISTEN is unavailable, e.g. behind a pooler). */
  pollIntervalMs?: number;
  /** Sent rows (and processed inbox entries) older than this are deleted. */
  retentionMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface RelayResult {
  sent: number;
  failed: number;
}

interface Failure {
  id: string;
  attempts: number;
  error: string;
}

const PRUNE_BATCH = 1_000;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Sends pending outbox rows to Service Bus in batches and marks them sent, in one transaction per
 * round that holds the rows with FOR UPDATE SKIP LOCKED, so several replicas share the work. A
 * crash after sending but before the commit leaves the rows pending: they are sent again with the
 * same message id, and broker duplicate detection drops the copy. A failed send never loses a
 * row: it stays pending with its error and a growing delay, and the failure is counted.
 */
export class OutboxRelay {
  private readonly senders = new Map<string, ServiceBusSender>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly sentTotal?: Counter;
  private readonly failedTotal?: Counter;
  private listener?: PoolClient;
  private wake?: () => void;
  /** A NOTIFY that arrived during a round: the next sleep returns at once instead of waiting. */
  private notified = false;
  private running?: Promise<void>;
  private stopping = false;
  private lastPrune = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retentionMs = options.retentionMs ?? 24 * 3_600_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    if (options.registry) {
      this.sentTotal = new Counter({ name: 'outbox_sent_total', help: 'Outbox rows sent to Service Bus.', registers: [options.registry] });
      this.failedTotal = new Counter({
        name: 'outbox_send_failures_total',
        help: 'Outbox rows whose send failed (they stay pending and are retried).',
        registers: [options.registry],
      });
      const pool = options.pool;
      new Gauge({
        name: 'outbox_pending',
        help: 'Outbox rows not yet sent.',
        registers: [options.registry],
        async collect() {
          const result = await pool.query<{ count: string }>('select count(*) from messaging_outbox where sent_at is null');
          this.set(Number(result.rows[0].count));
        },
      });
      new Gauge({
        name: 'outbox_lag_seconds',
        help: 'Age of the oldest unsent outbox row (0 when none).',
        registers: [options.registry],
        async collect() {
          const result = await pool.query<{ lag: string | null }>(
            'select extract(epoch from now() - min(created_at)) as lag from messaging_outbox where sent_at is null',
          );
          this.set(Number(result.rows[0].lag ?? 0));
        },
      });
    }
  }

  /** Starts the background loop: woken by NOTIFY on commit, polling as a fallback. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.listen();
    this.running = this.loop();
  }

  /** Finishes the round in progress, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal();
    await this.running;
    this.running = undefined;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
    await Promise.all([...this.senders.values()].map((sender) => sender.close()));
    this.senders.clear();
  }

  /** One round: sends up to one batch of due rows. */
  async relayOnce(): Promise<RelayResult> {
    const client = await this.options.pool.connect();
    // A checked-out client whose connection dies emits 'error'; unheard, that would crash the process.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `select id, topic, subject, body, correlation_id, causation_id, tenant_id, traceparent, attempts
           from messaging_outbox
          where sent_at is null and available_at <= now()
          order by created_at, id
          limit $1
          for update skip locked`,
        [this.batchSize],
      );
      const sent: string[] = [];
      const failures: Failure[] = [];
      for (const [topic, topicRows] of groupByTopic(rows)) {
        await this.sendTopic(topic, topicRows, sent, failures);
      }
      if (sent.length) await client.query('update messaging_outbox set sent_at = now() where id = any($1::uuid[])', [sent]);
      for (const failure of failures) {
        await client.query(
          `update messaging_outbox
              set attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => $3::float8 / 1000)
            where id = $1`,
          [failure.id, failure.error.slice(0, 2_000), this.backoffMs(failure.attempts + 1)],
        );
      }
      await client.query('COMMIT');
      this.sentTotal?.inc(sent.length);
      this.failedTotal?.inc(failures.length);
      if (failures.length) {
        this.options.logger.warn({ failed: failures.length, error: failures[0].error }, 'outbox relay: send failed; rows stay pending');
      }
      return { sent: sent.length, failed: failures.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      broken ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off('error', onError);
      // A client that failed mid-round is discarded rather than returned to the pool.
      client.release(broken);
    }
  }

  /** Deletes sent outbox rows and processed inbox entries past the retention period, in bounded batches. */
  async prune(): Promise<number> {
    let deleted = 0;
    for (const table of ['messaging_outbox', 'messaging_inbox'] as const) {
      const column = table === 'messaging_outbox' ? 'sent_at' : 'processed_at';
      for (;;) {
        const result = await this.options.pool.query(
          `delete from ${table} where ctid in (
             select ctid from ${table} where ${column} < now() - make_interval(secs => $1::float8 / 1000) limit ${PRUNE_BATCH})`,
          [this.retentionMs],
        );
        deleted += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < PRUNE_BATCH) break;
      }
    }
    return deleted;
  }

  /** A dedicated connection receives NOTIFY; if it is lost, the loop polls and listens again. */
  private async listen(): Promise<void> {
    let listener: PoolClient | undefined;
    try {
      listener = await this.options.pool.connect();
      listener.on('notification', () => this.signal());
      listener.on('error', (error) => {
        this.options.logger.warn({ err: error }, 'outbox relay: LISTEN connection lost; polling until it is back');
        if (this.listener === listener) this.listener = undefined;
        listener?.release(error);
      });
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = listener;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay: LISTEN unavailable, polling only');
      listener?.release(error instanceof Error ? error : true);
    }
  }

  private async loop(): Promise<void> {
    let idleBackoff = this.baseBackoffMs;
    while (!this.stopping) {
      if (!this.listener) await this.listen();
      try {
        const { sent, failed } = await this.relayOnce();
        if (Date.now() - this.lastPrune > PRUNE_INTERVAL_MS) {
          this.lastPrune = Date.now();
          await this.prune();
        }
        idleBackoff = this.baseBackoffMs;
        if (sent + failed === this.batchSize) continue;
        await this.sleep(this.pollIntervalMs);
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay round failed; retrying');
        await this.sleep(idleBackoff);
        idleBackoff = Math.min(idleBackoff * 2, this.maxBackoffMs);
      }
    }
  }

  private signal(): void {
    this.notified = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.notified || this.stopping) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.notified = false;
        this.wake = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private backoffMs(attempt: number): number {
    const exponential = Math.min(this.baseBackoffMs * 2 ** (attempt - 1), this.maxBackoffMs);
    return Math.round(exponential * (0.5 + Math.random() / 2));
  }

  private sender(topic: string): ServiceBusSender {
    let sender = this.senders.get(topic);
    if (!sender) {
      sender = this.options.client.createSender(topic);
      this.senders.set(topic, sender);
    }
    return sender;
  }

  private async sendTopic(topic: string, rows: OutboxRow[], sent: string[], failures: Failure[]): Promise<void> {
    const sender = this.sender(topic);
    const fail = (batchRows: OutboxRow[], error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const row of batchRows) failures.push({ id: row.id, attempts: row.attempts, error: text });
    };
    const flush = async (batch: ServiceBusMessageBatch, batchRows: OutboxRow[]) => {
      if (batchRows.length === 0) return;
      try {
        await sender.sendMessages(batch);
        sent.push(...batchRows.map((r) => r.id));
      } catch (error) {
        fail(batchRows, error);
      }
    };
    let batch: ServiceBusMessageBatch;
    try {
      batch = await sender.createMessageBatch();
    } catch (error) {
      fail(rows, error);
      return;
    }
    let batchRows: OutboxRow[] = [];
    for (const row of rows) {
      const message = toServiceBusMessage(row);
      if (batch.tryAddMessage(message)) {
        batchRows.push(row);
        continue;
      }
      await flush(batch, batchRows);
      batch = await sender.createMessageBatch();
      batchRows = [];
      if (batch.tryAddMessage(message)) batchRows.push(row);
      else fail([row], new Error(`message of ${row.subject} exceeds the broker's maximum message size`));
    }
    await flush(batch, batchRows);
  }
}

function groupByTopic(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const group = groups.get(row.topic) ?? [];
    group.push(row);
    groups.set(row.topic, group);
  }
  return groups;
}
