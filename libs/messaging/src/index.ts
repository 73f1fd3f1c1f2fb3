/**
 * Service Bus messaging on @azure/service-bus: the NestJS transport, the transactional outbox and
 * its relay, the inbox (idempotent consumer), retry and dead-letter policy, dead-letter inspection
 * and replay.
 */
export { backoffDelayMs, type Backoff } from './backoff';
export { createServiceBusClient, RETRY_OPTIONS, type ServiceBusConnectionSettings } from './connection/servicebus-client';
export { ExceptionPassthroughFilter } from './consumer/exception-passthrough.filter';
export { decodeBody, type IncomingEvent } from './consumer/incoming-event';
export { type MessageOutcome } from './consumer/message-outcome';
export { MessageProcessor, type EventHandler, type MessageProcessorOptions } from './consumer/message-processor';
export { PermanentError } from './consumer/permanent-error';
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './consumer/retry-policy';
export { ServiceBusContext, type HandlerTransaction, type Rejection } from './consumer/servicebus-context';
export { ServiceBusTransport, type EventPatternExtras, type ServiceBusTransportOptions } from './consumer/servicebus-transport';
export { SettlementQueue } from './consumer/settlement-queue';
export { RECEIVER_OPTIONS } from './consumer/subscription-consumer';
export {
  DeadLetterQueue,
  type DeadLetterDetail,
  type DeadLetterQueueOptions,
  type DeadLetterSelection,
  type DeadLetterSummary,
  type PurgeResult,
  type ReplayRecord,
  type ReplayResult,
} from './dead-letter/dead-letter-queue';
export { MessagingRuntime, type MessagingRuntimeOptions } from './messaging-runtime';
export { MESSAGING_MIGRATIONS, messagingInbox, messagingOutbox, OUTBOX_CHANNEL, type MessagingMigration } from './messaging-tables';
export { auditEvent, auditSourceOf, type AuditActor, type AuditFacts } from './outbox/audit-event';
export { addAllToOutbox, addToOutbox, type OutboxWriter, type OutgoingEvent } from './outbox/outbox';
export { toServiceBusMessage, type OutboxRow } from './outbox/outbox-message';
export { OUTBOX_RELAY_CONNECTIONS, OutboxRelay, type OutboxRelayOptions, type RelayResult } from './outbox/outbox-relay';
export { childTraceparent, traceIdOf } from './trace-context';
export { changeDetails } from './outbox/change-details';
