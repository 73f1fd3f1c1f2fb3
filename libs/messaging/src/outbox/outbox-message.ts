import type { ServiceBusMessage } from '@azure/service-bus';
import { APPLICATION_PROPERTIES } from '@comply/contracts';

export interface OutboxRow {
  id: string;
  topic: string;
  subject: string;
  body: unknown;
  correlation_id: string;
  causation_id: string | null;
  tenant_id: string | null;
  traceparent: string | null;
  attempts: number;
}

/** The wire form of an outbox row (DESIGN.md, "A message"). */
export function toServiceBusMessage(row: OutboxRow): ServiceBusMessage {
  const applicationProperties: Record<string, string> = {};
  if (row.tenant_id) applicationProperties[APPLICATION_PROPERTIES.tenantId] = row.tenant_id;
  if (row.causation_id) applicationProperties[APPLICATION_PROPERTIES.causationId] = row.causation_id;
  if (row.traceparent) applicationProperties[APPLICATION_PROPERTIES.traceparent] = row.traceparent;
  return {
    messageId: row.id,
    subject: row.subject,
    correlationId: row.correlation_id,
    contentType: 'application/json',
    body: row.body,
    applicationProperties,
  };
}
