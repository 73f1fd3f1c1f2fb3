/**
 * Event envelope, message schemas and the Service Bus topology: the only language services share.
 * Depends on nothing else of ours (enforced by the `layer:contracts` lint constraint).
 */
export {
  DIRECTORY_SUBJECTS,
  ENTITY_SETTINGS,
  EXTERNAL_PRODUCERS,
  PLATFORM_SERVICES,
  PLATFORM_TOPOLOGY,
  REPLAY_PROPERTIES,
  REPLAY_RULE_NAME,
  TOPICS,
  subscriptionRules,
  subscriptionsOf,
  type PlatformService,
  type Publisher,
  type SubscriptionRule,
  type SubscriptionRuleFilter,
  type SubscriptionSpec,
  type TopicName,
  type TopicSpec,
  type TopicSubscription,
} from './topology';
export {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  isEventType,
  parseContract,
  parseEvent,
  topicOf,
  type ContractIssue,
  type EventPayload,
  type EventType,
  type ParseEventResult,
} from './event-catalog';
export { APPLICATION_PROPERTIES, applicationPropertiesSchema, type ApplicationProperties, type EventEnvelope } from './event-envelope';
export { EVENT_EXAMPLES } from './event-examples';
export { jsonSchemaOf } from './json-schema';
export { freeFormObject, freeFormProblem, MAX_FREE_FORM_DEPTH, MAX_FREE_FORM_KEY_LENGTH, type FreeFormLimits } from './fields/free-form-object';
export { isStorableText, STORABLE_TEXT, STORABLE_TEXT_MESSAGE, storableText } from './fields/storable-text';
export { EARLIEST_TIMESTAMP, isStorableInstant, LATEST_TIMESTAMP, storableTimestamp } from './fields/storable-timestamp';
export {
  MAX_MAPPINGS_PER_BATCH,
  mappingBatchV1,
  mappingResultV1,
  mappingSubmissionV1,
  type MappingBatchV1,
  type MappingResultV1,
  type MappingSubmissionV1,
} from './events/mapping-events';
export {
  RECORD_DELETION_REASONS,
  recordDeletedV1,
  recordStoredV1,
  type RecordDeletedV1,
  type RecordDeletionReason,
  type RecordStoredV1,
} from './events/record-events';
export { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditEventV1, auditSource, type AuditActorType, type AuditEventV1, type AuditOutcome, type AuditSource } from './events/audit-events';
export {
  ARCHIVE_DATABASES,
  ARCHIVE_TABLE_PATTERN,
  archiveCompletedV1,
  archiveFailedV1,
  archiveRequestedV1,
  type ArchiveCompletedV1,
  type ArchiveDatabase,
  type ArchiveFailedV1,
  type ArchiveRequestedV1,
} from './events/archive-events';
export { BACKUP_DATABASES, backupCompletedV1, backupFailedV1, type BackupCompletedV1, type BackupDatabase, type BackupFailedV1 } from './events/backup-events';
export {
  DUNNING_STEP_KINDS,
  SUBSCRIPTION_STATUSES,
  USAGE_THRESHOLDS,
  billingDunningStepV1,
  billingInvoicePaidV1,
  billingInvoicePaymentFailedV1,
  billingQuotaChangedV1,
  billingSubscriptionChangedV1,
  billingUsageThresholdV1,
  type BillingDunningStepV1,
  type BillingInvoicePaidV1,
  type BillingInvoicePaymentFailedV1,
  type BillingQuotaChangedV1,
  type BillingSubscriptionChangedV1,
  type BillingUsageThresholdV1,
  type SubscriptionStatus,
} from './events/billing-events';
export {
  apiKeyCreatedV1,
  apiKeyPrefix,
  apiKeyRevokedV1,
  tenantCreatedV1,
  tenantErasedV1,
  tenantUpdatedV1,
  type ApiKeyCreatedV1,
  type ApiKeyRevokedV1,
  type TenantCreatedV1,
  type TenantErasedV1,
  type TenantUpdatedV1,
} from './events/directory-events';
export * from './http/core-store-api';
export * from './http/directory-api';
export * from './http/billing-api';
export { coreStoreOpenApi } from './http/core-store-openapi';
export { billingOpenApi } from './http/billing-openapi';
export * from './http/audit-api';
export { auditWriterOpenApi } from './http/audit-writer-openapi';
export * from './compliance';
export { taxonomyDepth, taxonomyPaths } from './taxonomy/taxonomy-paths';
export * from './http/analytics-api';
export { analyticsOpenApi } from './http/analytics-openapi';
export * from './http/backup-api';
export { backupWorkerOpenApi } from './http/backup-worker-openapi';
