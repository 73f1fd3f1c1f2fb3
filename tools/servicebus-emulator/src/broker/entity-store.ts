import type { EmulatorTopology } from '../topology';
import { BrokerError } from './broker-error';
import type { Clock } from './clock';
import type { MessageEntity } from './message-entity';
import type { StateJournal } from './state-journal';
import { Queue } from './queue';
import type { SendTarget } from './send-target';
import { Subscription, Topic } from './topic';

const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

/**
 * All entities of the emulator, addressed the way the SDK addresses them: `queue`,
 * `topic/Subscriptions/sub`, either with `/$DeadLetterQueue`, and `<path>/$management`.
 * Names are case-insensitive, as in Service Bus.
 */
export class EntityStore {
  private readonly queues = new Map<string, Queue>();
  private readonly topics = new Map<string, Topic>();

  constructor(topology: EmulatorTopology, clock: Clock, journal: StateJournal) {
    for (const queue of topology.queues ?? []) this.queues.set(queue.name.toLowerCase(), new Queue(queue, clock, journal));
    for (const topic of topology.topics ?? []) this.topics.set(topic.name.toLowerCase(), new Topic(topic, clock, journal));
  }

  /** Every queue, subscription and dead-letter queue. */
  *messageEntities(): IterableIterator<MessageEntity> {
    for (const queue of this.queues.values()) yield* withDeadLetterQueue(queue.entity);
    for (const topic of this.topics.values()) {
      for (const subscription of topic.subscriptions.values()) yield* withDeadLetterQueue(subscription.entity);
    }
  }

  sendTargets(): Array<Queue | Topic> {
    return [...this.queues.values(), ...this.topics.values()];
  }

  /** The topic at `address`, or undefined (a queue, a subscription, or nothing). */
  findTopic(address: string): Topic | undefined {
    return this.topics.get(normalize(address));
  }

  sendTarget(address: string): SendTarget {
    const path = normalize(address);
    const target = this.queues.get(path) ?? this.topics.get(path);
    if (!target) throw BrokerError.entityNotFound(address);
    return target;
  }

  /** The queue, subscription or dead-letter queue that receivers read from. */
  receiveSource(address: string): MessageEntity {
    const path = normalize(address);
    const deadLetter = path.endsWith(DEAD_LETTER_SUFFIX);
    const basePath = deadLetter ? path.slice(0, -DEAD_LETTER_SUFFIX.length) : path;
    const entity = this.queues.get(basePath)?.entity ?? this.findSubscription(basePath)?.entity;
    if (!entity) throw BrokerError.entityNotFound(address);
    return deadLetter ? entity.deadLetterQueue! : entity;
  }

  subscription(address: string): Subscription {
    const subscription = this.findSubscription(normalize(address));
    if (!subscription) throw BrokerError.entityNotFound(address);
    return subscription;
  }

  dispose(): void {
    for (const queue of this.queues.values()) queue.dispose();
    for (const topic of this.topics.values()) topic.dispose();
  }

  private findSubscription(path: string): Subscription | undefined {
    const parts = path.split('/');
    if (parts.length !== 3 || parts[1] !== 'subscriptions') return undefined;
    return this.topics.get(parts[0])?.subscriptions.get(parts[2]);
  }
}

function withDeadLetterQueue(entity: MessageEntity): MessageEntity[] {
  return entity.deadLetterQueue ? [entity, entity.deadLetterQueue] : [entity];
}

/** Strips an `sb://host/` or `amqps://host/` prefix and surrounding slashes; lower-cases. */
function normalize(address: string): string {
  return address
    .replace(/^[a-z]+:\/\/[^/]+\//i, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
}
