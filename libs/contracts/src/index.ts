/**
 * Event envelope, message schemas and the Service Bus topology: the only language services share.
 * Depends on nothing else of ours (enforced by the `layer:contracts` lint constraint).
 * Public API is exported here as it lands.
 */
export {
  ENTITY_SETTINGS,
  EXTERNAL_PRODUCERS,
  PLATFORM_SERVICES,
  PLATFORM_TOPOLOGY,
  TOPICS,
  subscriptionsOf,
  type PlatformService,
  type Publisher,
  type SubscriptionSpec,
  type TopicName,
  type TopicSpec,
  type TopicSubscription,
} from './topology';
