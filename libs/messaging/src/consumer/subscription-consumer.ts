import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { TopicSubscription } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { ConsumerMetrics } from './consumer-metrics';
import { MessageOutcome } from './message-outcome';
import { MessageProcessor } from './message-processor';
import { SettlementQueue } from './settlement-queue';

export interface SubscriptionConsumerOptions {
  client: ServiceBusClient;
  subscription: TopicSubscription;
  processor: MessageProcessor;
  /** Batch handlers get up to this many messages per transaction; otherwise messages come one by one. */
  batchSize: number | undefined;
  /** Messages handled at once, or with a batch handler, units (batches of at most its batch size) in flight. */
  concurrency: number;
  metrics: ConsumerMetrics;
  logger: Logger;
}

/** Wait after a failed receive before the next try, so a broker outage is not a hot loop. */
const RECEIVE_ERROR_PAUSE_MS = 1_000;

/**
 * One subscription in peekLock mode with manual settlement. A failed message waits out its backoff
 * while still locked (the SDK keeps renewing the lock) and is then abandoned, so the broker
 * redelivers it with its delivery count raised; no handler slot is held while it waits.
 */
export class SubscriptionConsumer {
  private readonly name: string;
  private readonly receiver: ServiceBusReceiver;
  private readonly settlement: SettlementQueue;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waitingRetries = new Map<NodeJS.Timeout, () => Promise<void>>();
  private closeSubscription?: () => Promise<void>;
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SubscriptionConsumerOptions) {
    const { topic, name } = options.subscription;
    this.name = `${topic}/${name}`;
    this.receiver = options.client.createReceiver(topic, name, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: 5 * 60_000 });
    this.settlement = new SettlementQueue(this.receiver);
  }

  start(): void {
    if (this.options.batchSize) {
      // One receive loop: the SDK allows one receiveMessages call at a time per receiver.
      this.loops = [this.batchLoop()];
      return;
    }
    const subscription = this.receiver.subscribe(
      {
        processMessage: (message) => this.track(this.handleOne(message)),
        processError: async ({ error, errorSource }) => {
          this.options.logger.warn({ err: error, errorSource, subscription: this.name }, 'Service Bus receiver error');
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: this.options.concurrency },
    );
    this.closeSubscription = () => subscription.close();
  }

  /** Broker round trip through this subscription's link: proves the link and the entity are there. */
  async checkLink(): Promise<void> {
    await this.receiver.peekMessages(1);
  }

  /** Stops receiving, lets handlers finish and settle, abandons messages waiting to be retried, closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.closeSubscription?.();
    await Promise.all(this.loops);
    await Promise.all([...this.inFlight]);
    const waiting = [...this.waitingRetries];
    this.waitingRetries.clear();
    await Promise.all(
      waiting.map(([timer, abandon]) => {
        clearTimeout(timer);
        return abandon();
      }),
    );
    await this.receiver.close();
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async handleOne(message: ServiceBusReceivedMessage): Promise<void> {
    const started = process.hrtime.bigint();
    this.options.metrics.received.inc({ subscription: this.name });
    const outcome = await this.options.processor.processOne(message);
    this.options.metrics.handlerDuration.observe({ subscription: this.name }, Number(process.hrtime.bigint() - started) / 1e9);
    await this.settle(message, outcome);
  }

  /**
   * Receives the next batch while earlier ones are still being handled, up to `concurrency`
   * units in flight: receiving, the database and settling overlap instead of taking turns. A
   * received batch is cut into units of at most each handler's batch size, so a receive of many
   * heavy messages (each a batch itself) is spread over the slots rather than handled in turn.
   */
  private async batchLoop(): Promise<void> {
    const handling = new Set<Promise<void>>();
    while (!this.stopping) {
      if (handling.size >= this.options.concurrency) {
        await Promise.race(handling);
        continue;
      }
      let messages: ServiceBusReceivedMessage[];
      try {
        messages = await this.receiver.receiveMessages(this.options.batchSize ?? 1, { maxWaitTimeInMs: 1_000 });
      } catch (error) {
        if (this.stopping) break;
        this.options.logger.warn({ err: error, subscription: this.name }, 'receive failed; retrying');
        await new Promise((r) => setTimeout(r, RECEIVE_ERROR_PAUSE_MS));
        continue;
      }
      for (const unit of this.options.processor.unitsOf(messages)) {
        while (handling.size >= this.options.concurrency) await Promise.race(handling);
        const work = this.track(this.handleBatch(unit)).finally(() => handling.delete(work));
        handling.add(work);
      }
    }
    await Promise.all(handling);
  }

  private async handleBatch(messages: ServiceBusReceivedMessage[]): Promise<void> {
    const started = process.hrtime.bigint();
    this.options.metrics.received.inc({ subscription: this.name }, messages.length);
    const outcomes = await this.options.processor.processBatch(messages);
    this.options.metrics.handlerDuration.observe({ subscription: this.name }, Number(process.hrtime.bigint() - started) / 1e9);
    await Promise.all(messages.map((message, i) => this.settle(message, outcomes[i])));
  }

  private async settle(message: ServiceBusReceivedMessage, outcome: MessageOutcome): Promise<void> {
    const labels = { subscription: this.name };
    try {
      if (outcome.kind === 'complete') {
        await this.settlement.settle(message, { kind: 'complete' });
        this.options.metrics.completed.inc(labels);
        if (outcome.duplicate) this.options.metrics.duplicates.inc(labels);
      } else if (outcome.kind === 'deadLetter') {
        await this.settlement.settle(message, { kind: 'deadLetter', reason: outcome.reason, description: outcome.description });
        this.options.metrics.deadLettered.inc({ ...labels, reason: outcome.reason });
        this.options.logger.warn(
          { subscription: this.name, messageId: message.messageId, correlationId: message.correlationId, reason: outcome.reason, description: outcome.description },
          'message dead-lettered',
        );
      } else {
        this.options.metrics.retried.inc(labels);
        this.scheduleAbandon(message, outcome.delayMs, outcome.error);
      }
    } catch (error) {
      // The lock is gone (expired or the link dropped): the broker redelivers, and the inbox
      // makes a second run of an already committed handler a no-op.
      this.options.metrics.settlementFailures.inc(labels);
      this.options.logger.warn({ err: error, subscription: this.name, messageId: message.messageId }, 'settlement failed');
    }
  }

  private scheduleAbandon(message: ServiceBusReceivedMessage, delayMs: number, error: string): void {
    const abandon = () =>
      this.settlement.settle(message, { kind: 'abandon', propertiesToModify: { lastError: error.slice(0, 500) } }).catch((failure: unknown) => {
        this.options.logger.warn({ err: failure, subscription: this.name, messageId: message.messageId }, 'abandon failed');
      });
    const timer = setTimeout(() => {
      this.waitingRetries.delete(timer);
      void abandon();
    }, delayMs);
    this.waitingRetries.set(timer, abandon);
  }
}
