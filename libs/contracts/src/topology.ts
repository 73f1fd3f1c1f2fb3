/**
 * The platform's Service Bus topology as data: one topic per publishing context, and on each topic
 * one subscription per consuming service, named after the service, that receives exactly the
 * listed event types, plus the replays of its own dead letters (see `subscriptionRules`).
 * Provisioning (Azure and the local emulator) and the consumers both read this one declaration.
 */

export const PLATFORM_SERVICES = ['core-store', 'billing', 'analytics-ingest', 'audit-writer', 'backup-worker'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

/** Publishers outside the platform, above all the mapper model service. */
export const EXTERNAL_PRODUCERS = 'external-producers';
export type Publisher = PlatformService | typeof EXTERNAL_PRODUCERS;

export const TOPICS = {
  mappingEvents: 'mapping-events',
  coreEvents: 'core-events',
  billingEvents: 'billing-events',
  backupEvents: 'backup-events',
  auditEvents: 'audit-events',
  tenantEvents: 'tenant-events',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface SubscriptionSpec {
  /** The consuming service. */
  readonly name: PlatformService;
  /** Event types (`<context>.<event>.v<N>`, sent as the message subject) delivered to this subscription. */
  readonly subjects: readonly string[];
}

export interface TopicSpec {
  readonly name: TopicName;
  readonly publishers: readonly Publisher[];
  readonly subscriptions: readonly SubscriptionSpec[];
}

/** A subscription together with the topic it belongs to: what a consumer attaches to. */
export interface TopicSubscription extends SubscriptionSpec {
  readonly topic: TopicName;
}

/**
 * Entity settings every environment provisions alike (Azure, Microsoft's emulator, ours).
 * Duplicate detection lets the outbox resend a row after a crash without a second delivery.
 */
export const ENTITY_SETTINGS = {
  duplicateDetectionWindowMs: 10 * 60_000,
  /** After this many failed deliveries a message goes to the dead-letter queue. */
  maxDeliveryCount: 10,
  lockDurationMs: 60_000,
} as const;

/** What a tenant-directory replica consumes: every change of a tenant or an API key. */
export const DIRECTORY_SUBJECTS = ['tenant.created.v1', 'tenant.updated.v1', 'tenant.erased.v1', 'apikey.created.v1', 'apikey.revoked.v1'] as const;

export const PLATFORM_TOPOLOGY: readonly TopicSpec[] = [
  {
    name: TOPICS.mappingEvents,
    publishers: [EXTERNAL_PRODUCERS],
    subscriptions: [{ name: 'core-store', subjects: ['mapping.result.v1', 'mapping.batch.v1'] }],
  },
  {
    name: TOPICS.coreEvents,
    publishers: ['core-store'],
    subscriptions: [
      { name: 'billing', subjects: ['record.stored.v1'] },
      { name: 'analytics-ingest', subjects: ['record.stored.v1', 'record.deleted.v1'] },
    ],
  },
  {
    name: TOPICS.billingEvents,
    publishers: ['billing'],
    subscriptions: [
      {
        name: 'analytics-ingest',
        subjects: [
          'billing.subscription.changed.v1',
          'billing.invoice.paid.v1',
          'billing.invoice.payment_failed.v1',
          'billing.quota.changed.v1',
          'billing.usage.threshold.v1',
          'billing.dunning.step.v1',
        ],
      },
      { name: 'core-store', subjects: ['billing.quota.changed.v1'] },
    ],
  },
  {
    name: TOPICS.backupEvents,
    publishers: ['backup-worker'],
    subscriptions: [
      { name: 'analytics-ingest', subjects: ['backup.completed.v1', 'backup.failed.v1'] },
      { name: 'core-store', subjects: ['backup.completed.v1', 'backup.failed.v1'] },
      { name: 'audit-writer', subjects: ['archive.completed.v1', 'archive.failed.v1'] },
    ],
  },
  {
    name: TOPICS.auditEvents,
    // audit-writer too: it audits its own part of a tenant's erasure, and records it from here like any other event.
    publishers: ['core-store', 'billing', 'analytics-ingest', 'audit-writer', 'backup-worker'],
    subscriptions: [
      { name: 'audit-writer', subjects: ['audit.event.v1'] },
      // audit-writer's retention hands a partition to backup-worker before dropping it.
      { name: 'backup-worker', subjects: ['archive.requested.v1'] },
    ],
  },
  {
    name: TOPICS.tenantEvents,
    publishers: ['core-store'],
    subscriptions: (['billing', 'analytics-ingest', 'audit-writer', 'backup-worker'] as const).map((name) => ({ name, subjects: DIRECTORY_SUBJECTS })),
  },
];

/** Every subscription the service consumes from, across all topics. */
export function subscriptionsOf(service: PlatformService): readonly TopicSubscription[] {
  return PLATFORM_TOPOLOGY.flatMap((topic) =>
    topic.subscriptions.filter((s) => s.name === service).map((s) => ({ topic: topic.name, ...s })),
  );
}

/**
 * Application properties of a dead-lettered message sent back to its topic. Service Bus cannot send
 * to one subscription, so the copy names the subscription it is meant for and the rules route it.
 */
export const REPLAY_PROPERTIES = {
  /** Name of the one subscription that receives the copy. */
  replayedFor: 'replayedFor',
  /** messageId of the message as first published. */
  replayOf: 'replayOf',
} as const;

/** A subscription rule's filter: a SQL filter, or a correlation filter on application properties. */
export type SubscriptionRuleFilter =
  | { readonly sqlExpression: string }
  | { readonly applicationProperties: Readonly<Record<string, string>> };

export interface SubscriptionRule {
  readonly name: string;
  readonly filter: SubscriptionRuleFilter;
}

/** The rule that admits replays addressed to a subscription. */
export const REPLAY_RULE_NAME = 'replay';

/**
 * The rules a subscription is provisioned with (a message arrives when any rule matches):
 * - per subject, `sys.Label = '<subject>' AND NOT EXISTS(replayedFor)`: every published event of
 *   that type, but no replay (a replay carries the subject too and would reach every subscription
 *   of it);
 * - `replay`, a correlation filter on `replayedFor = <subscription>`: replays meant for this one.
 * Both filter kinds are supported by Azure, Microsoft's emulator and ours.
 */
export function subscriptionRules(subscription: SubscriptionSpec): readonly SubscriptionRule[] {
  return [
    ...subscription.subjects.map((subject) => ({
      name: subject,
      filter: { sqlExpression: `sys.Label = ${sqlString(subject)} AND NOT EXISTS(${REPLAY_PROPERTIES.replayedFor})` },
    })),
    { name: REPLAY_RULE_NAME, filter: { applicationProperties: { [REPLAY_PROPERTIES.replayedFor]: subscription.name } } },
  ];
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
