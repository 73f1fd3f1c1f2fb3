import type { ServiceBusClient } from '@azure/service-bus';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { PlatformService, subscriptionsOf } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import type { DatabaseClient } from '@comply/persistence';
import type { Registry } from 'prom-client';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumerMetrics } from './consumer-metrics';
import { EventHandler, MessageProcessor } from './message-processor';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';
import { ServiceBusContext } from './servicebus-context';
import { SubscriptionConsumer } from './subscription-consumer';

export interface ServiceBusTransportOptions {
  client: ServiceBusClient;
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

/**
 * NestJS custom transport over Service Bus: consumes every subscription the service has in the
 * platform topology and routes each message by subject to the `@EventPattern(type)` handler.
 * Subscriptions without a handler still run, so their messages are dead-lettered as `NoHandler`
 * (visible, replayable) instead of piling up.
 */
export class ServiceBusTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: SubscriptionConsumer[] = [];
  /** One EventHandler per type, so a batch groups its messages by handler identity. */
  private readonly handlers = new Map<string, EventHandler | undefined>();
  private readonly metrics: ConsumerMetrics;

  constructor(private readonly options: ServiceBusTransportOptions) {
    super();
    this.metrics = new ConsumerMetrics(options.registry);
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      for (const subscription of subscriptionsOf(this.options.service)) {
        const batchSize = this.batchSizeOf(subscription.subjects);
        const processor = new MessageProcessor({
          subscription: `${subscription.topic}/${subscription.name}`,
          subjects: subscription.subjects,
          handlerFor: (type) => this.eventHandler(type),
          database: this.options.database,
          retry: this.options.retry ?? DEFAULT_RETRY_POLICY,
          logger: this.options.logger,
        });
        const consumer = new SubscriptionConsumer({
          client: this.options.client,
          subscription,
          processor,
          batchSize,
          concurrency: this.options.concurrency ?? 16,
          metrics: this.metrics,
          logger: this.options.logger,
        });
        consumer.start();
        this.consumers.push(consumer);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** For readiness: every subscription's link answers. */
  async checkBrokerLinks(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.checkLink()));
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('ServiceBusTransport emits no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.options.client as T;
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
