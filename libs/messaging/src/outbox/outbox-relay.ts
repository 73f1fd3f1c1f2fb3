import type { ServiceBusClient } from '@azure/service-bus';
import type { Logger } from '@comply/observability';
import type { Pool, PoolClient } from 'pg';
import { Counter, Gauge, Registry } from 'prom-client';
import { Backoff, backoffDelayMs } from '../backoff';
import { InterruptibleSleeps } from '../interruptible-sleeps';
import { SenderCache } from '../connection/sender-cache';
import { OUTBOX_CHANNEL } from '../messaging-tables';
import { bodyBytesOf, emptySendOutcome, sendInBatches } from './batch-send';
import { OutboxRow } from './outbox-message';

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
  /** Rows too large for their topic: kept in the outbox as dead letters, never sent again. */
  deadLettered: number;
}

/** Rows the relay still has to send; dead-lettered rows are not among them (messaging_outbox_pending_idx). */
const PENDING = 'sent_at is null and dead_lettered_at is null';

/** Relay rounds running at once. */
const RELAY_ROUNDS_IN_FLIGHT = 2;
/** Connections the relay holds at most: one for LISTEN and one per round in flight. */
export const OUTBOX_RELAY_CONNECTIONS = 1 + RELAY_ROUNDS_IN_FLIGHT;

const PRUNE_BATCH = 1_000;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Sends pending outbox rows to Service Bus in batches and marks them sent, in one transaction per
 * round that holds the rows with FOR UPDATE SKIP LOCKED, so several replicas share the work. A
 * crash after sending but before the commit leaves the rows pending: they are sent again with the
 * same message id, and broker duplicate detection drops the copy. A failed send never loses a
 * row: it stays pending with its error and a growing delay, and the failure is counted. A row too
 * large for its topic would fail forever: it is dead-lettered in the outbox instead
 * (`dead_lettered_at`, `dead_letter_reason`), left out of every later round, and kept by pruning.
 */
export class OutboxRelay {
  private readonly senders: SenderCache;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly backoff: Backoff;
  private readonly sentTotal?: Counter;
  private readonly failedTotal?: Counter;
  private readonly deadLetteredTotal?: Counter;
  private listener?: PoolClient;
  /** Sleeping workers; a NOTIFY wakes them all. */
  private readonly sleeps = new InterruptibleSleeps();
  /** NOTIFYs so far: a worker that saw one arrive during its round does not go to sleep. */
  private notifications = 0;
  private running?: Promise<void>;
  private stopping = false;
  private lastPrune = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retentionMs = options.retentionMs ?? 24 * 3_600_000;
    this.backoff = { baseDelayMs: options.baseBackoffMs ?? 500, maxDelayMs: options.maxBackoffMs ?? 60_000 };
    this.senders = new SenderCache(options.client);
    if (options.registry) {
      this.sentTotal = new Counter({ name: 'outbox_sent_total', help: 'Outbox rows sent to Service Bus.', registers: [options.registry] });
      this.failedTotal = new Counter({
        name: 'outbox_send_failures_total',
        help: 'Outbox rows whose send failed (they stay pending and are retried).',
        registers: [options.registry],
      });
      this.deadLetteredTotal = new Counter({
        name: 'outbox_dead_lettered_total',
        help: 'Outbox rows too large for their topic; kept in the outbox as dead letters and never retried.',
        registers: [options.registry],
      });
      const pool = options.pool;
      new Gauge({
        name: 'outbox_pending',
        help: 'Outbox rows not yet sent (dead-lettered rows excluded).',
        registers: [options.registry],
        async collect() {
          const result = await pool.query<{ count: string }>(`select count(*) from messaging_outbox where ${PENDING}`);
          this.set(Number(result.rows[0].count));
        },
      });
      new Gauge({
        name: 'outbox_lag_seconds',
        help: 'Age of the oldest unsent outbox row, dead-lettered rows excluded (0 when none).',
        registers: [options.registry],
        async collect() {
          const result = await pool.query<{ lag: string | null }>(
            `select extract(epoch from now() - min(created_at)) as lag from messaging_outbox where ${PENDING}`,
          );
          this.set(Number(result.rows[0].lag ?? 0));
        },
      });
    }
  }

  /** Starts the background workers: woken by NOTIFY on commit, polling as a fallback. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.listen();
    this.running = Promise.all(Array.from({ length: RELAY_ROUNDS_IN_FLIGHT }, (_, index) => this.worker(index === 0))).then(() => undefined);
  }

  /** Finishes the rounds in progress, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal();
    await this.running;
    this.running = undefined;
    const listener = this.listener;
    if (listener) {
      this.listener = undefined;
      // Discarded, not returned to the pool: its error handler would release it a second time if
      // the connection died later, and a connection that listened is no use to anyone else.
      listener.removeListener('error', this.onListenerError);
      listener.release(true);
    }
    await this.senders.closeAll();
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
          where ${PENDING} and available_at <= now()
          order by created_at, id
          limit $1
          for update skip locked`,
        [this.batchSize],
      );
      const outcome = emptySendOutcome();
      for (const [topic, topicRows] of groupByTopic(rows)) {
        await sendInBatches(this.senders.get(topic), topicRows, outcome);
      }
      const { sent, failed, refused } = outcome;
      if (sent.length) {
        await client.query('update messaging_outbox set sent_at = now() where id = any($1::uuid[])', [sent.map((row) => row.id)]);
      }
      for (const { row, error } of failed) {
        await client.query(
          `update messaging_outbox
              set attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => $3::float8 / 1000)
            where id = $1`,
          [row.id, error.slice(0, 2_000), backoffDelayMs(this.backoff, row.attempts + 1)],
        );
      }
      for (const { row, reason } of refused) {
        await client.query(
          `update messaging_outbox set attempts = attempts + 1, dead_lettered_at = now(), dead_letter_reason = $2 where id = $1`,
          [row.id, reason.slice(0, 2_000)],
        );
      }
      await client.query('COMMIT');
      this.sentTotal?.inc(sent.length);
      this.failedTotal?.inc(failed.length);
      this.deadLetteredTotal?.inc(refused.length);
      if (failed.length) {
        this.options.logger.warn({ failed: failed.length, error: failed[0].error }, 'outbox relay: send failed; rows stay pending');
      }
      for (const { row, reason } of refused) {
        this.options.logger.warn(
          { outboxId: row.id, topic: row.topic, subject: row.subject, bodyBytes: bodyBytesOf(row), reason },
          'outbox relay: row dead-lettered in the outbox, too large for its topic',
        );
      }
      return { sent: sent.length, failed: failed.length, deadLettered: refused.length };
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

  private readonly onListenerError = (error: Error): void => {
    this.options.logger.warn({ err: error }, 'outbox relay: LISTEN connection lost; polling until it is back');
    const listener = this.listener;
    this.listener = undefined;
    listener?.removeListener('error', this.onListenerError);
    listener?.release(error);
  };

  /** A dedicated connection receives NOTIFY; if it is lost, the loop polls and listens again. */
  private async listen(): Promise<void> {
    let listener: PoolClient | undefined;
    try {
      listener = await this.options.pool.connect();
      listener.on('notification', () => this.signal());
      listener.on('error', this.onListenerError);
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = listener;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay: LISTEN unavailable, polling only');
      listener?.release(error instanceof Error ? error : true);
    }
  }

  /**
   * One of ROUNDS_IN_FLIGHT workers. Each round holds its rows with SKIP LOCKED, so the workers
   * take disjoint rows and one round's database work overlaps another's sends. The first worker
   * also keeps LISTEN alive and prunes.
   */
  private async worker(first: boolean): Promise<void> {
    let failedRounds = 0;
    while (!this.stopping) {
      if (first && !this.listener) await this.listen();
      const seen = this.notifications;
      try {
        const { sent, failed, deadLettered } = await this.relayOnce();
        if (first && Date.now() - this.lastPrune > PRUNE_INTERVAL_MS) {
          this.lastPrune = Date.now();
          await this.prune();
        }
        failedRounds = 0;
        if (sent + failed + deadLettered === this.batchSize) continue;
        await this.sleep(this.pollIntervalMs, seen);
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay round failed; retrying');
        failedRounds += 1;
        await this.sleep(backoffDelayMs(this.backoff, failedRounds), seen);
      }
    }
  }

  private signal(): void {
    this.notifications += 1;
    this.sleeps.wakeAll();
  }

  /** Waits `ms`, or less when a notification arrives; returns at once if one arrived since `seen`. */
  private sleep(ms: number, seen: number): Promise<void> {
    if (this.notifications !== seen || this.stopping) return Promise.resolve();
    return this.sleeps.sleep(ms);
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
