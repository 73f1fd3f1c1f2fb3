import type { QueueDefinition } from '../topology';
import { resolveEntitySettings, resolveSendSettings } from '../topology';
import type { Clock } from './clock';
import type { MessageContent } from './message-content';
import { MessageEntity } from './message-entity';
import { SendTarget } from './send-target';
import type { StateJournal } from './state-journal';

export class Queue extends SendTarget {
  readonly entity: MessageEntity;

  constructor(definition: QueueDefinition, clock: Clock, journal: StateJournal) {
    super(definition.name, resolveSendSettings(definition), clock, journal);
    const settings = resolveEntitySettings(definition);
    this.entity = new MessageEntity(
      definition.name,
      settings,
      deadLetterQueueFor(definition.name, settings, clock, journal),
      clock,
      journal,
    );
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    this.entity.cancelScheduled(sequenceNumbers);
  }

  dispose(): void {
    this.entity.dispose();
  }

  protected publish(content: MessageContent): void {
    this.entity.enqueue(content);
  }

  protected schedule(content: MessageContent, enqueueTimeMs: number): number {
    return this.entity.enqueue(content, enqueueTimeMs);
  }
}

export function deadLetterQueueFor(path: string, settings: MessageEntity['settings'], clock: Clock, journal: StateJournal): MessageEntity {
  return new MessageEntity(
    `${path}/$DeadLetterQueue`,
    { ...settings, maxDeliveryCount: Number.POSITIVE_INFINITY, defaultMessageTtlMs: undefined, requiresSession: false },
    undefined,
    clock,
    journal,
  );
}
