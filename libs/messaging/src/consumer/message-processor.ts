import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { EventType, isEventType, parseEvent } from '@comply/contracts';
import { runWithRequestContext, type Logger } from '@comply/observability';
import { enterTenant, type DatabaseClient } from '@comply/persistence';
import { messagingInbox } from '../messaging-tables';
import { decodeBody, envelopeOf, IncomingEvent } from './incoming-event';
import { deadLetter, MessageOutcome } from './message-outcome';
import { PermanentError } from './permanent-error';
import { RetryPolicy, retryDelayMs } from './retry-policy';
import { HandlerTransaction, ServiceBusContext } from './servicebus-context';

export interface EventHandler {
  /** Batch handlers receive `IncomingEvent[]` and commit once per batch. */
  batch: boolean;
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
}

type Validated = { ok: true; event: IncomingEvent; handler: EventHandler } | { ok: false; outcome: MessageOutcome };

/**
 * Turns a delivered message into an outcome: contract check, then the handler in one transaction
 * with the inbox insert, then the failure policy. Never throws; the transport settles the outcome.
 */
export class MessageProcessor {
  constructor(private readonly options: MessageProcessorOptions) {}

  async processOne(message: ServiceBusReceivedMessage): Promise<MessageOutcome> {
    const validated = this.validate(message);
    if (!validated.ok) return validated.outcome;
    const { event, handler } = validated;
    try {
      const handled = await this.inTransaction(event.tenantId, async (tx) => {
        if (!(await this.recordInInbox(tx, [event.messageId])).length) return false;
        const context = new ServiceBusContext(tx, this.options.subscription, event);
        await runWithRequestContext({ requestId: event.messageId, correlationId: event.correlationId }, () =>
          handler.invoke(handler.batch ? [event] : event.payload, context),
        );
        return true;
      });
      return { kind: 'complete', duplicate: !handled };
    } catch (error) {
      return this.failure(event, error);
    }
  }

  /**
   * Valid messages of a batch are handled in one transaction. If that fails, each is retried on
   * its own, so one bad message cannot hold the others back.
   */
  async processBatch(messages: ServiceBusReceivedMessage[]): Promise<MessageOutcome[]> {
    const outcomes: MessageOutcome[] = new Array(messages.length);
    const valid: Array<{ index: number; event: IncomingEvent; handler: EventHandler }> = [];
    messages.forEach((message, index) => {
      const validated = this.validate(message);
      if (validated.ok) valid.push({ index, event: validated.event, handler: validated.handler });
      else outcomes[index] = validated.outcome;
    });
    const byHandler = new Map<EventHandler, typeof valid>();
    for (const item of valid) {
      // Single-message handlers sharing the subscription still get one message per transaction.
      if (!item.handler.batch) outcomes[item.index] = await this.processOne(messages[item.index]);
      else {
        const group = byHandler.get(item.handler) ?? [];
        group.push(item);
        byHandler.set(item.handler, group);
      }
    }
    for (const [handler, items] of byHandler) {
      try {
        const fresh = await this.inTransaction(undefined, async (tx) => {
          const recorded = new Set(await this.recordInInbox(tx, items.map((i) => i.event.messageId)));
          const events = items.filter((i) => recorded.has(i.event.messageId)).map((i) => i.event);
          if (events.length) await handler.invoke(events, new ServiceBusContext(tx, this.options.subscription, undefined));
          return recorded;
        });
        for (const item of items) outcomes[item.index] = { kind: 'complete', duplicate: !fresh.has(item.event.messageId) };
      } catch (error) {
        this.options.logger.warn({ err: error, size: items.length }, 'batch handler failed; handling its messages one by one');
        for (const item of items) outcomes[item.index] = await this.processOne(messages[item.index]);
      }
    }
    return outcomes;
  }

  private validate(message: ServiceBusReceivedMessage): Validated {
    const subject = String(message.subject ?? '');
    if (!this.options.subjects.includes(subject) || !isEventType(subject)) {
      return { ok: false, outcome: deadLetter('UnknownEventType', `subject "${subject}" is not an event type of ${this.options.subscription}`) };
    }
    const handler = this.options.handlerFor(subject);
    if (!handler) {
      return { ok: false, outcome: deadLetter('NoHandler', `no handler for ${subject} on ${this.options.subscription}`) };
    }
    const envelope = envelopeOf(message);
    if (!envelope.messageId) return { ok: false, outcome: deadLetter('ContractViolation', 'message has no messageId') };
    const body = decodeBody(message.body);
    if (!body.ok) return { ok: false, outcome: deadLetter('ContractViolation', body.error) };
    const parsed = parseEvent(subject as EventType, body.value);
    if (!parsed.ok) return { ok: false, outcome: deadLetter('ContractViolation', JSON.stringify(parsed.issues)) };
    return { ok: true, handler, event: { ...envelope, type: subject as EventType, payload: parsed.payload } };
  }

  private failure(event: IncomingEvent, error: unknown): MessageOutcome {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (error instanceof PermanentError) return deadLetter(error.reason, text);
    const attempt = event.deliveryCount + 1;
    if (attempt >= this.options.retry.maxAttempts) {
      return deadLetter('MaxAttemptsExceeded', `failed ${attempt} times; last error: ${text}`);
    }
    this.options.logger.warn(
      { err: error, messageId: event.messageId, correlationId: event.correlationId, attempt },
      'handler failed; will retry',
    );
    return { kind: 'retry', delayMs: retryDelayMs(this.options.retry, attempt), error: text };
  }

  private inTransaction<T>(tenantId: string | undefined, work: (tx: HandlerTransaction) => Promise<T>): Promise<T> {
    return this.options.database.db.transaction(async (tx) => {
      if (tenantId) await enterTenant(tx, tenantId);
      return work(tx);
    });
  }

  /** Inserts inbox entries; returns the message ids that were new (the others were handled before). */
  private async recordInInbox(tx: HandlerTransaction, messageIds: string[]): Promise<string[]> {
    const rows = await tx
      .insert(messagingInbox)
      .values(messageIds.map((messageId) => ({ subscription: this.options.subscription, messageId })))
      .onConflictDoNothing()
      .returning({ messageId: messagingInbox.messageId });
    return rows.map((row) => row.messageId);
  }
}
