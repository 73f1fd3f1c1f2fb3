import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { runWithRequestContext, type Logger } from '@comply/observability';
import { classifyError, describeError, enterTenant, type DatabaseClient } from '@comply/persistence';
import { sql } from 'drizzle-orm';
import { messagingInbox } from '../messaging-tables';
import type { ConsumerMetrics } from './consumer-metrics';
import { InterruptibleSleeps } from '../interruptible-sleeps';
import { IncomingEvent } from './incoming-event';
import { deadLetter, MessageOutcome } from './message-outcome';
import { validateMessage } from './message-validation';
import { PermanentError } from './permanent-error';
import { RetryPolicy, retryDelayMs } from './retry-policy';
import { HandlerTransaction, ServiceBusContext } from './servicebus-context';

export interface EventHandler {
  /** Batch handlers receive `IncomingEvent[]` and commit once per batch. */
  batch: boolean;
  /** The most messages a batch handler takes in one call (and one transaction). */
  batchSize?: number;
  /**
   * Whether the inbox records each message. A handler that deduplicates by a key of its own (an
   * idempotency ledger) opts out and saves a row per message; it must then be idempotent itself.
   */
  inbox: boolean;
  invoke(payload: unknown, context: ServiceBusContext): Promise<void>;
}

export interface MessageProcessorOptions {
  /** `<topic>/<subscription>`: the inbox key and metric label. */
  subscription: string;
  /** Event types this subscription receives (its filters). */
  subjects: readonly string[];
  handlerFor(type: string): EventHandler | undefined;
  database: DatabaseClient<Record<string, unknown>>;
  retry: RetryPolicy;
  logger: Logger;
  metrics?: ConsumerMetrics;
}

interface Accepted {
  index: number;
  event: IncomingEvent;
  handler: EventHandler;
}

/**
 * Turns delivered messages into outcomes: validation first (each message's own dead-letter
 * reason), then the handler in one transaction with the inbox insert, then the failure policy
 * (libs/persistence's error classes): a business rule's PermanentError and data the database
 * refuses are dead-lettered at once, a transient failure is retried in place and then
 * redelivered, anything else is redelivered until the attempts run out. Never throws; the
 * transport settles the outcomes.
 */
export class MessageProcessor {
  private stopping = false;
  /** The in-place retries waiting out a backoff. */
  private readonly backoffs = new InterruptibleSleeps();

  constructor(private readonly options: MessageProcessorOptions) {}

  /** Ends the in-place retries of transient failures at once: their messages go back to the broker. */
  stopRetrying(): void {
    this.stopping = true;
    this.backoffs.wakeAll();
  }

  async processOne(message: ServiceBusReceivedMessage): Promise<MessageOutcome> {
    const validated = validateMessage(message, this.options);
    if (!validated.ok) return validated.outcome;
    return this.handleOne(validated.event, validated.handler);
  }

  /**
   * A received batch cut into the units handled, committed and settled independently: each
   * handler's messages in arrival order, at most its `batchSize` per unit, so the consumer can run
   * units in parallel. Messages no batch handler takes (unknown subjects, single-message handlers)
   * form units of their own and are handled as processBatch handles them.
   */
  unitsOf(messages: ServiceBusReceivedMessage[]): ServiceBusReceivedMessage[][] {
    const byHandler = new Map<EventHandler | undefined, ServiceBusReceivedMessage[]>();
    for (const message of messages) {
      const handler = this.options.handlerFor(String(message.subject ?? ''));
      const key = handler?.batch ? handler : undefined;
      const group = byHandler.get(key) ?? [];
      group.push(message);
      byHandler.set(key, group);
    }
    return [...byHandler].flatMap(([handler, group]) => {
      const size = handler?.batchSize ?? group.length;
      const units: ServiceBusReceivedMessage[][] = [];
      for (let start = 0; start < group.length; start += size) units.push(group.slice(start, start + size));
      return units;
    });
  }

  /**
   * The valid messages of a batch are handled in one transaction per handler, at most its
   * `batchSize` at a time: a subscription receives as many as its largest handler takes, and a
   * handler of heavy messages (each one a batch itself) asks for fewer. A transient failure
   * retries them all; any other failure cannot be pinned on one message, so each is then handled
   * on its own and only the culprit fails.
   */
  async processBatch(messages: ServiceBusReceivedMessage[]): Promise<MessageOutcome[]> {
    const outcomes: MessageOutcome[] = new Array(messages.length);
    const byHandler = new Map<EventHandler, Accepted[]>();
    for (const [index, message] of messages.entries()) {
      const validated = validateMessage(message, this.options);
      if (!validated.ok) {
        outcomes[index] = validated.outcome;
      } else if (!validated.handler.batch) {
        // Single-message handlers sharing the subscription still get one message per transaction.
        outcomes[index] = await this.handleOne(validated.event, validated.handler);
      } else {
        const group = byHandler.get(validated.handler) ?? [];
        group.push({ index, event: validated.event, handler: validated.handler });
        byHandler.set(validated.handler, group);
      }
    }
    for (const [handler, items] of chunksOf(byHandler)) {
      try {
        const handled = await this.retryingTransient(() => this.inTransaction(undefined, (tx) => this.invoke(tx, handler, items.map((item) => item.event), undefined)), {
          size: items.length,
        });
        for (const item of items) outcomes[item.index] = handled.get(item.event.messageId) ?? { kind: 'complete', duplicate: true };
      } catch (error) {
        if (classifyError(error) === 'transient') {
          for (const item of items) outcomes[item.index] = this.failure(item.event, error);
          continue;
        }
        this.options.logger.warn({ error: describeError(error), size: items.length }, 'batch handler failed; handling its messages one by one');
        for (const item of items) outcomes[item.index] = await this.handleOne(item.event, item.handler);
      }
    }
    return outcomes;
  }

  private async handleOne(event: IncomingEvent, handler: EventHandler): Promise<MessageOutcome> {
    try {
      const handled = await this.retryingTransient(
        () =>
          this.inTransaction(event.tenantId, (tx) =>
            runWithRequestContext({ requestId: event.messageId, correlationId: event.correlationId }, () =>
              this.invoke(tx, handler, [event], handler.batch ? undefined : event),
            ),
          ),
        { messageId: event.messageId, correlationId: event.correlationId },
      );
      return handled.get(event.messageId) ?? { kind: 'complete', duplicate: true };
    } catch (error) {
      return this.failure(event, error);
    }
  }

  /**
   * Records the events in the inbox and runs the handler on those that are new, in `tx`. Returns
   * the outcome of each new event; an event absent from the result was handled before.
   */
  private async invoke(tx: HandlerTransaction, handler: EventHandler, delivered: IncomingEvent[], single: IncomingEvent | undefined): Promise<Map<string, MessageOutcome>> {
    const events = firstOfEachMessage(delivered);
    const recorded = handler.inbox ? new Set(await this.recordInInbox(tx, events.map((event) => event.messageId))) : undefined;
    const fresh = recorded ? events.filter((event) => recorded.has(event.messageId)) : events;
    const outcomes = new Map<string, MessageOutcome>(fresh.map((event) => [event.messageId, { kind: 'complete', duplicate: false }]));
    if (fresh.length === 0) return outcomes;
    const context = new ServiceBusContext(tx, this.options.subscription, single);
    await handler.invoke(single ? single.payload : fresh, context);
    const rejected = context.rejected();
    if (rejected.size > 0) {
      if (handler.inbox) await this.forgetInInbox(tx, [...rejected.keys()]);
      for (const [messageId, rejection] of rejected) outcomes.set(messageId, deadLetter(rejection.reason, rejection.description));
    }
    return outcomes;
  }

  private failure(event: IncomingEvent, error: unknown): MessageOutcome {
    if (error instanceof PermanentError) return deadLetter(error.reason, `${error.name}: ${error.message}`);
    const description = describeError(error);
    const errorClass = classifyError(error);
    if (errorClass === 'invalid-data') return deadLetter('InvalidData', description);
    if (errorClass === 'conflict') return deadLetter('Conflict', description);
    const attempt = event.deliveryCount + 1;
    if (attempt >= this.options.retry.maxAttempts) return deadLetter('MaxAttemptsExceeded', `failed ${attempt} times; last error: ${description}`);
    this.options.logger.warn(
      { error: description, errorClass, messageId: event.messageId, correlationId: event.correlationId, attempt },
      'handler failed; will retry',
    );
    return { kind: 'retry', delayMs: retryDelayMs(this.options.retry, attempt), error: description };
  }

  /**
   * Runs `work` (one transaction) again while it fails transiently, a backoff apart, for up to the
   * policy's transientHoldMs: the messages stay locked and no delivery is spent, so a database
   * restart or failover does not use up their attempts. Any other failure, a transient one past
   * the hold, or one after stopRetrying, goes to the caller's failure policy.
   */
  private async retryingTransient<T>(work: () => Promise<T>, about: Record<string, unknown>): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (this.stopping || classifyError(error) !== 'transient') throw error;
        const delayMs = retryDelayMs(this.options.retry, attempt);
        if (Date.now() - started + delayMs > this.options.retry.transientHoldMs) throw error;
        this.options.logger.warn(
          { ...about, error: describeError(error), attempt, delayMs, subscription: this.options.subscription },
          'transient failure; retrying in place, the message kept locked',
        );
        this.options.metrics?.retriedInPlace.inc({ subscription: this.options.subscription });
        await this.backoffs.sleep(delayMs);
        // Woken by stopRetrying: the message goes back now, without one more attempt.
        if (this.stopping) throw error;
      }
    }
  }

  private inTransaction<T>(tenantId: string | undefined, work: (tx: HandlerTransaction) => Promise<T>): Promise<T> {
    return this.options.database.db.transaction(async (tx) => {
      if (tenantId) await enterTenant(tx, tenantId);
      return work(tx);
    });
  }

  /** Inserts inbox entries; returns the message ids that were new (the others were handled before). */
  private async recordInInbox(tx: HandlerTransaction, messageIds: string[]): Promise<string[]> {
    const result = await tx.execute<{ message_id: string }>(sql`insert into ${messagingInbox} (subscription, message_id)
      select ${this.options.subscription}, message_id from unnest(${sql.param(messageIds)}::text[]) as m(message_id)
      on conflict do nothing
      returning message_id`);
    return result.rows.map((row) => row.message_id);
  }

  /** Removes the entries of rejected messages, so that a replay from the dead-letter queue is handled afresh. */
  private async forgetInInbox(tx: HandlerTransaction, messageIds: string[]): Promise<void> {
    await tx.execute(sql`delete from ${messagingInbox} where subscription = ${this.options.subscription} and message_id = any(${sql.param(messageIds)}::text[])`);
  }
}

/**
 * One event per message id: a message redelivered while its first copy still waited for a batch
 * (the broker restarted, or the link dropped and its locks went with it) can arrive twice in one
 * batch, and the inbox insert, which returns each new id once, would let both copies through.
 */
function firstOfEachMessage(events: IncomingEvent[]): IncomingEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.messageId) && seen.add(event.messageId));
}

/** Each handler's messages in calls of at most its batch size. */
function* chunksOf(byHandler: Map<EventHandler, Accepted[]>): Generator<[EventHandler, Accepted[]]> {
  for (const [handler, items] of byHandler) {
    const size = handler.batchSize ?? items.length;
    for (let start = 0; start < items.length; start += size) yield [handler, items.slice(start, start + size)];
  }
}
