import { Counter, Histogram, Registry } from 'prom-client';

/** Counters and timings of every consumer of one service, labelled by subscription. */
export class ConsumerMetrics {
  readonly received: Counter<'subscription'>;
  readonly completed: Counter<'subscription'>;
  readonly retried: Counter<'subscription'>;
  readonly retriedInPlace: Counter<'subscription'>;
  readonly deadLettered: Counter<'subscription' | 'reason'>;
  readonly duplicates: Counter<'subscription'>;
  readonly settlementFailures: Counter<'subscription'>;
  readonly restarts: Counter;
  readonly handlerDuration: Histogram<'subscription'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.received = new Counter({ name: 'messaging_received_total', help: 'Messages received.', labelNames: ['subscription'], registers });
    this.completed = new Counter({ name: 'messaging_completed_total', help: 'Messages completed.', labelNames: ['subscription'], registers });
    this.retried = new Counter({
      name: 'messaging_retried_total',
      help: 'Handler failures that will be retried (abandoned after a backoff).',
      labelNames: ['subscription'],
      registers,
    });
    this.retriedInPlace = new Counter({
      name: 'messaging_retried_in_place_total',
      help: 'Transient handler failures (database unreachable, restarting, deadlocked) retried in place after a backoff, the message kept locked: no delivery spent.',
      labelNames: ['subscription'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'messaging_dead_lettered_total',
      help: 'Messages dead-lettered, by reason.',
      labelNames: ['subscription', 'reason'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'messaging_duplicates_skipped_total',
      help: 'Messages already in the inbox, completed without running the handler.',
      labelNames: ['subscription'],
      registers,
    });
    this.settlementFailures = new Counter({
      name: 'messaging_settlement_failures_total',
      help: 'Settlements the broker refused or never answered (lock lost, link closed); the broker redelivers and the inbox skips what was committed.',
      labelNames: ['subscription'],
      registers,
    });
    this.restarts = new Counter({
      name: 'messaging_consumer_restarts_total',
      help: 'Times the consumer watchdog found a subscription stalled with messages waiting and started every consumer again on a new client.',
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'messaging_handler_duration_seconds',
      help: 'Time from receipt to outcome (validation, transaction, handler), per message or batch.',
      labelNames: ['subscription'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
