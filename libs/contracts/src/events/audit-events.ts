import { z } from 'zod';
import { boundedText, freeFormObject, tenantId, timestamp } from './shared-fields';

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'service', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Where the action was performed and where the request came from (NIST 800-53 AU-3: where, source). */
export const auditSource = z
  .strictObject({
    service: boundedText(100).describe('The platform service that performed the action, e.g. "core-store".'),
    host: boundedText(255).optional().describe('Host (machine, container or pod name) of the service instance.'),
    ip: boundedText(64).optional().describe("The client's IP address as the service saw it, when the action came from a request."),
    userAgent: boundedText(512).optional().describe("The client's User-Agent header, when the action came from a request; cut at 512 characters."),
  })
  .describe('Where the action happened (service, host) and, for requests, where it came from (IP, user agent).');
export type AuditSource = z.infer<typeof auditSource>;

/** Something a service did or refused to do that the tamper-evident audit trail must record. */
export const auditEventV1 = z
  .strictObject({
    actor: z
      .strictObject({
        type: z.enum(AUDIT_ACTOR_TYPES).describe('Who acted: a user, an API key, a platform service, or the system itself (schedules, retention).'),
        id: boundedText(200).describe('Identifier of the actor: user id, API key id, service name, or job name.'),
      })
      .describe('Who performed the action.'),
    action: z
      .string()
      .max(100)
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/)
      .describe('What was done, as <resource>.<verb> in lower case, e.g. "record.delete", "tenant.create", "backup.restore".'),
    resource: z
      .strictObject({
        type: boundedText(100).describe('Kind of resource, e.g. "record", "tenant", "api_key", "backup".'),
        id: boundedText(200).optional().describe('Identifier of the resource; absent for actions on a collection.'),
      })
      .describe('What the action was performed on.'),
    outcome: z.enum(AUDIT_OUTCOMES).describe('"success", "failure" (attempted, went wrong) or "denied" (refused by authorization).'),
    tenantId: tenantId.optional().describe('Tenant the action concerns; absent for platform-wide actions.'),
    correlationId: boundedText(200).describe('Correlation id of the request or message that caused the action.'),
    occurredAt: timestamp.describe('When the action happened: ISO 8601 with offset.'),
    source: auditSource.optional().describe('Where the action happened and where it came from; audit-writer records service "unknown" when absent.'),
    details: freeFormObject({ maxBytes: 16_384, description: 'Free-form context of the action. Never secrets or sensitive record content.' }).optional(),
  })
  .describe('audit.event.v1: an action for the audit trail. Topic audit-events, consumed by audit-writer.');
export type AuditEventV1 = z.infer<typeof auditEventV1>;
