import { z } from 'zod';
import { archiveCompletedV1, archiveFailedV1, archiveRequestedV1 } from './events/archive-events';
import { auditEventV1 } from './events/audit-events';
import { backupCompletedV1, backupFailedV1 } from './events/backup-events';
import {
  billingDunningStepV1,
  billingInvoicePaidV1,
  billingInvoicePaymentFailedV1,
  billingQuotaChangedV1,
  billingSubscriptionChangedV1,
  billingUsageThresholdV1,
} from './events/billing-events';
import { apiKeyCreatedV1, apiKeyRevokedV1, tenantCreatedV1, tenantErasedV1, tenantUpdatedV1 } from './events/directory-events';
import { mappingBatchV1, mappingResultV1 } from './events/mapping-events';
import { recordDeletedV1, recordStoredV1 } from './events/record-events';
import { PLATFORM_TOPOLOGY, type TopicName } from './topology';

/**
 * Every event the platform exchanges, by type (`<context>.<event>.v<N>`, sent as the message
 * subject). A breaking change is a new version next to the old one, never an edit.
 */
export const EVENT_SCHEMAS = {
  'mapping.result.v1': mappingResultV1,
  'mapping.batch.v1': mappingBatchV1,
  'record.stored.v1': recordStoredV1,
  'record.deleted.v1': recordDeletedV1,
  'audit.event.v1': auditEventV1,
  'backup.completed.v1': backupCompletedV1,
  'backup.failed.v1': backupFailedV1,
  'archive.requested.v1': archiveRequestedV1,
  'archive.completed.v1': archiveCompletedV1,
  'archive.failed.v1': archiveFailedV1,
  'billing.subscription.changed.v1': billingSubscriptionChangedV1,
  'billing.invoice.paid.v1': billingInvoicePaidV1,
  'billing.invoice.payment_failed.v1': billingInvoicePaymentFailedV1,
  'billing.quota.changed.v1': billingQuotaChangedV1,
  'billing.usage.threshold.v1': billingUsageThresholdV1,
  'billing.dunning.step.v1': billingDunningStepV1,
  'tenant.created.v1': tenantCreatedV1,
  'tenant.updated.v1': tenantUpdatedV1,
  'tenant.erased.v1': tenantErasedV1,
  'apikey.created.v1': apiKeyCreatedV1,
  'apikey.revoked.v1': apiKeyRevokedV1,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as readonly EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, value);
}

/** One contract violation: where (`detector.name`, `taxonomy[0]`, `scores["PII.Identifier.SSN"]`; "" for the body itself) and what. */
export interface ContractIssue {
  path: string;
  message: string;
}

export type ParseEventResult<T extends EventType> = { ok: true; payload: EventPayload<T> } | { ok: false; issues: ContractIssue[] };

/** Validates a message body against its contract; returns the typed payload or the zod issues (path + message), never throws. */
export function parseEvent<T extends EventType>(type: T, body: unknown): ParseEventResult<T> {
  const result = parseContract(EVENT_SCHEMAS[type], body);
  return result.ok ? { ok: true, payload: result.value as EventPayload<T> } : result;
}

/** Validates any contract schema (an event, an HTTP body or query); never throws. */
export function parseContract<S extends z.ZodType>(schema: S, value: unknown): { ok: true; value: z.output<S> } | { ok: false; issues: ContractIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap(contractIssues) };
}

/** One issue per field: zod reports all unknown keys of an object as one issue at the object itself. */
function contractIssues(issue: z.core.$ZodIssue): ContractIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: z.core.toDotPath([...issue.path, key]), message: `Unrecognized key "${key}"` }));
  }
  return [{ path: z.core.toDotPath(issue.path), message: issue.message }];
}

const TOPIC_BY_EVENT_TYPE = new Map<string, TopicName>(
  PLATFORM_TOPOLOGY.flatMap((topic) => topic.subscriptions.flatMap((s) => s.subjects.map((subject) => [subject, topic.name] as const))),
);

/** The topic an event type is published on: the one whose subscriptions list it. */
export function topicOf(type: EventType): TopicName {
  const topic = TOPIC_BY_EVENT_TYPE.get(type);
  if (!topic) throw new Error(`No topic in PLATFORM_TOPOLOGY carries ${type}: add it to a subscription's subjects`);
  return topic;
}
