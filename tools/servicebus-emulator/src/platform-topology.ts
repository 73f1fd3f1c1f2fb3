import { ENTITY_SETTINGS, subscriptionRules, TopicSpec } from '@comply/contracts';
import { EmulatorTopology } from './topology';

/** The platform topology in the emulator's format, with the rules `subscriptionRules` defines. */
export function emulatorTopology(topics: readonly TopicSpec[]): EmulatorTopology {
  return {
    topics: topics.map((topic) => ({
      name: topic.name,
      requiresDuplicateDetection: true,
      duplicateDetectionWindowMs: ENTITY_SETTINGS.duplicateDetectionWindowMs,
      subscriptions: topic.subscriptions.map((subscription) => ({
        name: subscription.name,
        maxDeliveryCount: ENTITY_SETTINGS.maxDeliveryCount,
        lockDurationMs: ENTITY_SETTINGS.lockDurationMs,
        rules: [...subscriptionRules(subscription)],
      })),
    })),
  };
}
