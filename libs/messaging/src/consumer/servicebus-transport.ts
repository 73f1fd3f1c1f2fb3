import type { ServiceBusClient, ServiceBusReceiver } from '@azure/service-bus';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { PlatformService, subscriptionsOf } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import type { DatabaseClient } from '@comply/persistence';
import type { Registry } from 'prom-client';
import Long from 'long';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumerMetrics } from './consumer-metrics';
import { EventHandler, MessageProcessor } from './message-processor';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';
import { ServiceBusContext } from './servicebus-context';
import { DEFAULT_SETTLEMENT_TIMEOUT_MS, SubscriptionConsumer } from './subscription-consumer';
import { withTimeout } from '../with-timeout';

export interface ServiceBusTransportOptions {
  /** The consumers' client. With the watchdog on it must be theirs alone: a restart closes it. */
  client: ServiceBusClient;
  /**
   * For readiness peeks (default: `client`). A peek opens the entity's `$management` link; opened
   * while the consumers' connection is being re-established, it holds that recovery up for a
   * minute, so a service gives the peeks a connection of their own.
   */
  probeClient?: ServiceBusClient;
  /**
   * The consumer watchdog (off when unset or 0): a subscription whose consumer has held and
   * received nothing for this long while a message older than that waits on it is stalled (the
   * SDK can stop delivering after a connection drops during its reconnect). Every consumer is then
   * started again on a new client from `newClient`, and the stalled client is closed.
   */
  stallMs?: number;
  newClient?: () => ServiceBusClient;
  /**
   * How long a settlement may go unanswered before the consumer lets its message go (default
   * 30 s). The SDK can leave a settlement sent over a dropped connection pending for good; the
   * message's lock went with the connection, so the broker redelivers it and the inbox absorbs the
   * second run. Until then the message would hold a handler slot and hide a stall from the watchdog.
   */
  settlementTimeoutMs?: number;
  service: PlatformService;
  database: DatabaseClient<Record<string, unknown>>;
  logger: Logger;
  registry?: Registry;
  /** Messages handled at once per subscription (non-batch handlers). */
  concurrency?: number;
  retry?: RetryPolicy;
}

/** Extras of `@EventPattern(type, { batchSize, inbox })`. */
export interface EventPatternExtras {
  /** A batch handler receives `IncomingEvent[]`, up to this many per transaction. */
  batchSize?: number;
  /**
   * false: no inbox entry per message, because the handler deduplicates by a key of its own (an
   * idempotency ledger) and is idempotent under redelivery. Default true.
   */
  inbox?: boolean;
}

/** The watchdog's peek gives up after this, so a probe connection that hangs cannot stop it for good. */
const PEEK_TIMEOUT_MS = 10_000;
/** How long a stalled client's consumers get to stop before the client is closed under them. */
const RETIRE_GRACE_MS = 10_000;

/**
 * NestJS custom transport over Service Bus: consumes every subscription the service has in the
 * platform topology and routes each message by subject to the `@EventPattern(type)` handler.
 * Subscriptions without a handler still run, so their messages are dead-lettered as `NoHandler`
 * (visible, replayable) instead of piling up.
 */
export class ServiceBusTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: SubscriptionConsumer[] = [];
  private readonly probeReceivers: ServiceBusReceiver[] = [];
  /** The consumers' client: `options.client` until the watchdog replaces it. */
  private consumerClient: ServiceBusClient;
  /** Stalled clients being closed in the background, awaited by close(). */
  private readonly retiring = new Set<Promise<void>>();
  private watchdog?: NodeJS.Timeout;
  private checkingStalls = false;
  private closing = false;
  /** One EventHandler per type, so a batch groups its messages by handler identity. */
  private readonly handlers = new Map<string, EventHandler | undefined>();
  private readonly metrics: ConsumerMetrics;

  constructor(private readonly options: ServiceBusTransportOptions) {
    super();
    this.consumerClient = options.client;
    this.metrics = new ConsumerMetrics(options.registry);
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.startConsumers(this.options.client);
      const { stallMs, newClient } = this.options;
      if (stallMs && newClient) {
        this.watchdog = setInterval(() => void this.restartIfStalled(stallMs, newClient), Math.min(10_000, stallMs / 2));
        this.watchdog.unref();
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private startConsumers(client: ServiceBusClient): void {
    for (const subscription of subscriptionsOf(this.options.service)) {
      const batchSize = this.batchSizeOf(subscription.subjects);
      const processor = new MessageProcessor({
        subscription: `${subscription.topic}/${subscription.name}`,
        subjects: subscription.subjects,
        handlerFor: (type) => this.eventHandler(type),
        database: this.options.database,
        retry: this.options.retry ?? DEFAULT_RETRY_POLICY,
        logger: this.options.logger,
        metrics: this.metrics,
      });
      const consumer = new SubscriptionConsumer({
        client,
        subscription,
        processor,
        batchSize,
        concurrency: this.options.concurrency ?? 16,
        settlementTimeoutMs: this.options.settlementTimeoutMs ?? DEFAULT_SETTLEMENT_TIMEOUT_MS,
        metrics: this.metrics,
        logger: this.options.logger,
      });
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  /**
   * Looks for a stalled consumer: idle for `stallMs` while the probe's peek (over its own
   * connection) finds a message enqueued before that. If one is, every consumer starts again on a
   * new client, and the old client is retired in the background (see `retire`).
   */
  private async restartIfStalled(stallMs: number, newClient: () => ServiceBusClient): Promise<void> {
    if (this.checkingStalls || this.closing) return;
    this.checkingStalls = true;
    try {
      const probes = this.probes();
      const stalled = await Promise.all(
        this.consumers.map(async (consumer, index) => {
          if (consumer.idleForMs() < stallMs) return false;
          const [oldest] = await withTimeout(probes[index].peekMessages(1, { fromSequenceNumber: Long.ZERO }), PEEK_TIMEOUT_MS, 'watchdog peek');
          return oldest?.enqueuedTimeUtc !== undefined && Date.now() - oldest.enqueuedTimeUtc.getTime() > stallMs;
        }),
      );
      if (!stalled.includes(true) || this.closing) return;
      const names = subscriptionsOf(this.options.service).filter((_, index) => stalled[index]).map(({ topic, name }) => `${topic}/${name}`);
      this.options.logger.warn({ subscriptions: names, stallMs }, 'consumers stalled with messages waiting; starting them again on a new Service Bus client');
      this.metrics.restarts.inc();
      const stalledClient = this.consumerClient;
      const stalledConsumers = this.consumers.splice(0);
      this.consumerClient = newClient();
      this.startConsumers(this.consumerClient);
      const retired = this.retire(stalledClient, stalledConsumers).finally(() => this.retiring.delete(retired));
      this.retiring.add(retired);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'consumer watchdog: the check failed; trying again');
    } finally {
      this.checkingStalls = false;
    }
  }

  /**
   * Stops a stalled client's consumers, giving them RETIRE_GRACE_MS (a stalled client may never
   * answer), then closes the client. Closing its connection matters more than stopping: the broker
   * keeps handing messages to a link that is still attached, and a stalled one never takes them;
   * once the connection is gone they go to the new consumers, and what the old ones held comes back
   * when its lock expires.
   */
  private async retire(client: ServiceBusClient, consumers: SubscriptionConsumer[]): Promise<void> {
    const stopped = Promise.all(consumers.map((consumer) => consumer.stop().catch(() => undefined)));
    await withTimeout(stopped, RETIRE_GRACE_MS, 'stopping stalled consumers').catch(() => undefined);
    await withTimeout(client.close(), RETIRE_GRACE_MS, 'closing a stalled client').catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'consumer watchdog: the stalled client did not close; it is left behind'),
    );
  }

  /** For readiness: the broker answers a peek on every subscription the service consumes. */
  async checkBrokerLinks(): Promise<void> {
    await Promise.all(this.probes().map((probe) => probe.peekMessages(1)));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
    await Promise.all(this.probeReceivers.splice(0).map((probe) => probe.close()));
    await Promise.all(this.retiring);
    // A client the watchdog made is the transport's to close; `options.client` is its owner's.
    if (this.consumerClient !== this.options.client) await this.consumerClient.close();
  }

  on(): never {
    throw new Error('ServiceBusTransport emits no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.consumerClient as T;
  }

  /** One peekLock receiver per subscription on the probe client, made at the first check (it never receives). */
  private probes(): ServiceBusReceiver[] {
    if (this.probeReceivers.length === 0) {
      const client = this.options.probeClient ?? this.options.client;
      this.probeReceivers.push(...subscriptionsOf(this.options.service).map(({ topic, name }) => client.createReceiver(topic, name)));
    }
    return this.probeReceivers;
  }

  private batchSizeOf(subjects: readonly string[]): number | undefined {
    const sizes = subjects.flatMap((s) => (this.getHandlerByPattern(s)?.extras as EventPatternExtras | undefined)?.batchSize ?? []);
    return sizes.length > 0 ? Math.max(...sizes) : undefined;
  }

  private eventHandler(type: string): EventHandler | undefined {
    if (!this.handlers.has(type)) this.handlers.set(type, this.adapt(this.getHandlerByPattern(type)));
    return this.handlers.get(type);
  }

  private adapt(handler: MessageHandler | null): EventHandler | undefined {
    if (!handler) return undefined;
    const extras = handler.extras as EventPatternExtras | undefined;
    return {
      batch: extras?.batchSize !== undefined,
      batchSize: extras?.batchSize,
      inbox: extras?.inbox !== false,
      async invoke(payload: unknown, context: ServiceBusContext) {
        const result = await handler(payload, context);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      },
    };
  }
}
