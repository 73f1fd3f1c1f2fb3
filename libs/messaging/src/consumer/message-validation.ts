import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { applicationPropertiesSchema, ContractIssue, EventType, isEventType, isStorableText, parseContract, parseEvent } from '@comply/contracts';
import { decodeBody, IncomingEvent } from './incoming-event';
import { deadLetter, MessageOutcome } from './message-outcome';

/** Service Bus limits message and correlation ids to 128 characters. */
const MAX_ID_LENGTH = 128;

export type ValidatedMessage<H> = { ok: true; event: IncomingEvent; handler: H } | { ok: false; outcome: MessageOutcome };

export interface MessageRules<H> {
  subscription: string;
  subjects: readonly string[];
  handlerFor(type: string): H | undefined;
}

/**
 * Everything that can be decided about one message before any transaction: is it for this
 * subscription, is there a handler, are its envelope and body valid, does the tenant it claims
 * match the body's. A failure is that message's own dead-letter outcome, so one bad message
 * never stands in for another or holds a batch back.
 */
export function validateMessage<H>(message: ServiceBusReceivedMessage, rules: MessageRules<H>): ValidatedMessage<H> {
  const subject = String(message.subject ?? '');
  if (!rules.subjects.includes(subject) || !isEventType(subject)) {
    return rejected('UnknownEventType', `subject "${printable(subject)}" is not an event type of ${rules.subscription}`);
  }
  const handler = rules.handlerFor(subject);
  if (!handler) return rejected('NoHandler', `no handler for ${subject} on ${rules.subscription}`);

  const messageId = idOf(message.messageId);
  if (!messageId.ok) return rejected('ContractViolation', `messageId ${messageId.problem}`);
  const correlationId = message.correlationId === undefined || message.correlationId === null ? { ok: true as const, value: messageId.value } : idOf(message.correlationId);
  if (!correlationId.ok) return rejected('ContractViolation', `correlationId ${correlationId.problem}`);
  const properties = parseContract(applicationPropertiesSchema, message.applicationProperties ?? {});
  if (!properties.ok) return contractViolation(properties.issues.map((issue) => ({ ...issue, path: `applicationProperties.${issue.path}` })));

  const body = decodeBody(message.body);
  if (!body.ok) return rejected('ContractViolation', body.error);
  const parsed = parseEvent(subject as EventType, body.value);
  if (!parsed.ok) return contractViolation(parsed.issues);

  const claimed = properties.value.tenantId;
  const bodyTenant = tenantOf(parsed.payload);
  if (claimed !== undefined && bodyTenant !== undefined && claimed !== bodyTenant) {
    return rejected('TenantMismatch', `Message tenantId property "${claimed}" differs from the body's tenantId "${bodyTenant}"`);
  }
  return {
    ok: true,
    handler,
    event: {
      type: subject as EventType,
      messageId: messageId.value,
      correlationId: correlationId.value,
      causationId: properties.value.causationId,
      tenantId: bodyTenant ?? claimed,
      traceparent: properties.value.traceparent,
      deliveryCount: message.deliveryCount ?? 0,
      payload: parsed.payload,
    },
  };
}

/** The tenant a payload belongs to, for contracts that name one. */
export function tenantOf(payload: unknown): string | undefined {
  const tenantId = (payload as { tenantId?: unknown } | null)?.tenantId;
  return typeof tenantId === 'string' ? tenantId : undefined;
}

function idOf(raw: unknown): { ok: true; value: string } | { ok: false; problem: string } {
  const value = raw === undefined || raw === null ? '' : String(raw);
  if (value === '') return { ok: false, problem: 'is missing' };
  if (value.length > MAX_ID_LENGTH) return { ok: false, problem: `is longer than ${MAX_ID_LENGTH} characters` };
  if (!isStorableText(value)) return { ok: false, problem: 'contains NUL or an unpaired UTF-16 surrogate' };
  return { ok: true, value };
}

function contractViolation(issues: ContractIssue[]): { ok: false; outcome: MessageOutcome } {
  return rejected('ContractViolation', JSON.stringify(issues));
}

function rejected(reason: string, description: string): { ok: false; outcome: MessageOutcome } {
  return { ok: false, outcome: deadLetter(reason, description) };
}

/** A subject is the producer's text: shown shortened and without control characters. */
function printable(text: string): string {
  const cleaned = text.replace(/[\p{Cc}\uD800-\uDFFF]/gu, '?');
  return cleaned.length > 100 ? `${cleaned.slice(0, 100)}...` : cleaned;
}
