import { z } from 'zod';
import type { EventPayload, EventType } from './event-catalog';
import { boundedText, tenantId } from './events/shared-fields';

/** Names of the Service Bus application properties the platform sets on every message it can. */
export const APPLICATION_PROPERTIES = {
  tenantId: 'tenantId',
  causationId: 'causationId',
  traceparent: 'traceparent',
} as const;

/**
 * The platform's application properties of a received message. Not strict: the SDK and other
 * tooling add their own (e.g. `Diagnostic-Id`), which are dropped here rather than rejected.
 * traceparent stays a plain string: a malformed one loses the trace, not the message.
 */
export const applicationPropertiesSchema = z.object({
  [APPLICATION_PROPERTIES.tenantId]: tenantId.optional(),
  [APPLICATION_PROPERTIES.causationId]: boundedText(200).optional(),
  [APPLICATION_PROPERTIES.traceparent]: z.string().optional(),
});
export type ApplicationProperties = z.infer<typeof applicationPropertiesSchema>;

/** One event as it travels on Service Bus: the payload is the JSON body, the rest are message properties. */
export interface EventEnvelope<T extends EventType = EventType> {
  /** Sent as the message subject; subscriptions filter on it. */
  type: T;
  /** Stable across resends (the outbox row id), so broker duplicate detection and the inbox drop repeats. */
  messageId: string;
  correlationId: string;
  /** messageId of the message whose handling caused this one. */
  causationId?: string;
  tenantId?: string;
  /** W3C trace context of the producing span. */
  traceparent?: string;
  payload: EventPayload<T>;
}
