import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusReceiverOptions } from '@azure/service-bus';
import type { TopicSubscription } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import { ConsumerMetrics } from './consumer-metrics';
import { MessageBatcher } from './message-batcher';
import { MessageOutcome } from './message-outcome';
import { MessageProcessor } from './message-processor';
import { SettlementQueue, type SettlementAction } from './settlement-queue';
import { withTimeout } from '../with-timeout';

export interface SubscriptionConsumerOptions {
  client: ServiceBusClient;
  subscription: TopicSubscription;
  processor: MessageProcessor;
  /** Batch handlers get up to this many messages per transaction; otherwise messages come one by one. */
  batchSize: number | undefined;
  /** Messages handled at once, or with a batch handler, units (batches of at most its batch size) in flight. */
  concurrency: number;
  /** A settlement unanswered for this long counts as failed (see ServiceBusTransportOptions.settlementTimeoutMs). */
  settlementTimeoutMs: number;
  metrics: ConsumerMetrics;
  logger: Logger;
}

/** How long a message waits for others to fill its batch: short, as a full batch is cut at once. */
const BATCH_LINGER_MS = 20;

export const DEFAULT_SETTLEMENT_TIMEOUT_MS = 30_000;

/** How every consumer's receiver is set up: peekLock, settled by hand, its lock renewed while held. */
export const RECEIVER_OPTIONS: ServiceBusReceiverOptions = {
  receiveMode: 'peekLock',
  maxAutoLockRenewalDurationInMs: 5 * 60_000,
  // The SDK would parse JSON data sections itself, leniently (invalid UTF-8 becomes U+FFFD); decodeBody refuses it.
  skipParsingBodyAsJson: true,
};

/**
 * How long stop() lets handlers finish and settle. A settlement sent on a link the SDK has detached
 * waits out its operation timeout (30 s and more); past this the receiver closes anyway: whatever
 * was not settled is redelivered once its lock expires, and the inbox absorbs the duplicate.
 */
const STOP_GRACE_MS = 5_000;

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
  private batcher?: MessageBatcher<ServiceBusReceivedMessage>;
  private closeSubscription?: () => Promise<void>;
  private lastReceivedAt = Date.now();

  constructor(private readonly options: SubscriptionConsumerOptions) {
    const { topic, name } = options.subscription;
    this.name = `${topic}/${name}`;
    this.receiver = options.client.createReceiver(topic, name, RECEIVER_OPTIONS);
    this.settlement = new SettlementQueue(this.receiver);
  }

  /**
   * Receives with the SDK's streaming receiver, which keeps credit with the broker and tops it up
   * as messages are handled. Batch handlers get their messages gathered into batches here rather
   * than through receiveMessages: each of those ends by draining the link's credit, and when the
   * broker's answer to the drain takes longer than the SDK's fixed 200 ms (a busy event loop is
   * enough) the SDK closes the link, leaving the settlements sent on it unanswered.
   */
  start(): void {
    const { batchSize, concurrency } = this.options;
    const batcher = (this.batcher = !batchSize
      ? undefined
      : new MessageBatcher<ServiceBusReceivedMessage>({
        batchSize,
        concurrency,
        lingerMs: BATCH_LINGER_MS,
        unitsOf: (messages) => this.options.processor.unitsOf(messages),
        handle: (unit) => this.track(this.handleBatch(unit)),
        onError: (error) => this.options.logger.error({ err: error, subscription: this.name }, 'batch handling failed; its messages are redelivered'),
      }));
    const subscription = this.receiver.subscribe(
      {
        processMessage: (message) => {
          this.lastReceivedAt = Date.now();
          return batcher ? batcher.add(message) : this.track(this.handleOne(message));
        },
        processError: async ({ error, errorSource }) => {
          this.options.logger.warn({ err: error, errorSource, subscription: this.name }, 'Service Bus receiver error');
        },
      },
      // With batches, the credit covers `concurrency` full batches, so a free slot finds one waiting.
      { autoCompleteMessages: false, maxConcurrentCalls: batchSize ? batchSize * concurrency : concurrency },
    );
    this.closeSubscription = () => subscription.close();
  }

  /** How long it has held no message and received none: a consumer with messages waiting should not stay idle. */
  idleForMs(): number {
    const holds = !(this.batcher?.isIdle() ?? true) || this.inFlight.size > 0 || this.waitingRetries.size > 0;
    return holds ? 0 : Date.now() - this.lastReceivedAt;
  }

  /**
   * Stops receiving, lets handlers finish and settle (cutting short their in-place retries),
   * abandons messages waiting to be retried, and closes, waiting at most STOP_GRACE_MS for the
   * settlements.
   */
  async stop(): Promise<void> {
    await this.closeSubscription?.();
    this.options.processor.stopRetrying();
    const settled = (async () => {
      await this.batcher?.drain();
      await Promise.all([...this.inFlight]);
      const waiting = [...this.waitingRetries];
      this.waitingRetries.clear();
      await Promise.all(
        waiting.map(([timer, abandon]) => {
          clearTimeout(timer);
          return abandon();
        }),
      );
    })();
    let grace: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => (grace = setTimeout(() => resolve('grace over'), STOP_GRACE_MS)));
    if ((await Promise.race([settled, graceOver])) === 'grace over') {
      this.options.logger.warn({ subscription: this.name, graceMs: STOP_GRACE_MS }, 'closing with settlements unanswered; the broker redelivers them');
      void settled.catch(() => undefined);
      // Retries scheduled meanwhile are not abandoned either: their locks expire just the same.
      for (const timer of this.waitingRetries.keys()) clearTimeout(timer);
      this.waitingRetries.clear();
    }
    clearTimeout(grace);
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
        await this.settled(message, { kind: 'complete' });
        this.options.metrics.completed.inc(labels);
        if (outcome.duplicate) this.options.metrics.duplicates.inc(labels);
      } else if (outcome.kind === 'deadLetter') {
        await this.settled(message, { kind: 'deadLetter', reason: outcome.reason, description: outcome.description });
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

  private settled(message: ServiceBusReceivedMessage, action: SettlementAction): Promise<void> {
    return withTimeout(this.settlement.settle(message, action), this.options.settlementTimeoutMs, `settlement (${action.kind})`);
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
