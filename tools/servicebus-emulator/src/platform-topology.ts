import { ENTITY_SETTINGS, TopicSpec } from '@comply/contracts';
import { EmulatorTopology } from './topology';

/** The platform topology in the emulator's format: one correlation-filter rule per subject, named after it. */
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
        rules: subscription.subjects.map((subject) => ({ name: subject, filter: { subject } })),
      })),
    })),
  };
}
