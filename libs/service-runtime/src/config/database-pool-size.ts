import { ConfigValues, ServiceDescriptor, Setting, setting } from '@comply/config';
import { PlatformService, subscriptionsOf } from '@comply/contracts';
import { OUTBOX_RELAY_CONNECTIONS } from '@comply/messaging';

/** Left for HTTP requests, readiness checks and metrics scrapes when the pool size is derived. */
const HTTP_CONNECTIONS = 4;

/** Connections the service's messaging can hold at once: one per consumer slot, plus the relay's. */
function messagingConnections(subscriptions: number, consumerConcurrency: number): number {
  return subscriptions * consumerConcurrency + OUTBOX_RELAY_CONNECTIONS;
}

/**
 * DB_POOL_MAX of one service. Consumers and the relay share the pool with HTTP, so a pool smaller
 * than what they hold at once makes handlers wait for each other and requests wait for all of them.
 */
export function databasePoolSize(service: ServiceDescriptor): Setting<number> {
  const subscriptions = subscriptionsOf(service.name as PlatformService).length;
  const concurrencyOf = (config: ConfigValues) => Number(config.CONSUMER_CONCURRENCY);
  return {
    ...setting.int({
      min: 1,
      max: 500,
      doc: `Connection pool size. Unset: the service's subscriptions × CONSUMER_CONCURRENCY, + ${OUTBOX_RELAY_CONNECTIONS} for the outbox relay, + ${HTTP_CONNECTIONS} for HTTP. Set below what consumers and relay hold at once + 1 for HTTP, the service refuses to start.`,
    }),
    derive: (config) => messagingConnections(subscriptions, concurrencyOf(config)) + HTTP_CONNECTIONS,
    check(size, config) {
      const concurrency = concurrencyOf(config);
      const needed = messagingConnections(subscriptions, concurrency) + 1;
      if (size >= needed) return undefined;
      return (
        `is ${size}, but ${service.name} consumes ${subscriptions} subscription(s) × CONSUMER_CONCURRENCY ${concurrency}` +
        ` + ${OUTBOX_RELAY_CONNECTIONS} for the outbox relay + 1 for HTTP = ${needed} connections at once;` +
        ' raise DB_POOL_MAX, lower CONSUMER_CONCURRENCY, or leave DB_POOL_MAX unset to derive it'
      );
    },
  };
}
