import { DEFAULT_RULE_NAME, resolveEntitySettings, resolveSendSettings, SubscriptionDefinition, TopicDefinition } from '../topology';
import { SubscriptionRule } from '../filters/subscription-rule';
import { BrokerError } from './broker-error';
import type { Clock, TimerHandle } from './clock';
import type { MessageContent } from './message-content';
import { MessageEntity } from './message-entity';
import { deadLetterQueueFor } from './queue';
import { SendTarget } from './send-target';
import type { MessageSnapshot, StateJournal } from './state-journal';

/** A message sent to a topic for later: copied to the subscriptions only when it falls due. */
interface ScheduledTopicMessage {
  readonly snapshot: MessageSnapshot;
  readonly timer: TimerHandle;
}

export class Subscription {
  readonly entity: MessageEntity;
  private readonly rules = new Map<string, SubscriptionRule>();

  constructor(topicName: string, definition: SubscriptionDefinition, clock: Clock, journal: StateJournal) {
    const path = `${topicName}/Subscriptions/${definition.name}`;
    const settings = resolveEntitySettings(definition);
    this.entity = new MessageEntity(path, settings, deadLetterQueueFor(path, settings, clock, journal), clock, journal);
    const rules = definition.rules ?? [{ name: DEFAULT_RULE_NAME }];
    for (const rule of rules) this.rules.set(rule.name, SubscriptionRule.fromDefinition(rule));
  }

  matches(content: MessageContent): boolean {
    for (const rule of this.rules.values()) if (rule.matches(content)) return true;
    return false;
  }

  listRules(): SubscriptionRule[] {
    return [...this.rules.values()];
  }

  addRule(rule: SubscriptionRule): void {
    if (this.rules.has(rule.name)) throw BrokerError.alreadyExists(`The rule '${rule.name}' already exists.`);
    this.rules.set(rule.name, rule);
  }

  removeRule(name: string): void {
    if (!this.rules.delete(name)) throw BrokerError.entityNotFound(`${this.entity.path}/Rules/${name}`);
  }
}

/** A topic copies every message into each subscription that has a matching rule. */
export class Topic extends SendTarget {
  readonly subscriptions = new Map<string, Subscription>();
  private nextSequenceNumber = 1;
  private readonly scheduled = new Map<number, ScheduledTopicMessage>();

  constructor(definition: TopicDefinition, clock: Clock, journal: StateJournal) {
    super(definition.name, resolveSendSettings(definition), clock, journal);
    for (const subscription of definition.subscriptions ?? []) {
      this.subscriptions.set(subscription.name.toLowerCase(), new Subscription(definition.name, subscription, clock, journal));
    }
  }

  /** The sequence number the next scheduled message gets. */
  get nextSequence(): number {
    return this.nextSequenceNumber;
  }

  scheduledMessages(): MessageSnapshot[] {
    return [...this.scheduled.values()].map((scheduled) => scheduled.snapshot);
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const scheduled = this.scheduled.get(sequenceNumber);
      if (!scheduled) continue;
      this.clock.clearTimeout(scheduled.timer);
      this.scheduled.delete(sequenceNumber);
      this.journal.messageRemoved(this.path, sequenceNumber);
    }
  }

  /** Puts back a scheduled message read from a journal at start; one already due is published on the next turn. */
  restoreScheduled(snapshot: MessageSnapshot): void {
    this.restoreSequence(snapshot.sequenceNumber + 1);
    this.arm(snapshot);
  }

  restoreSequence(next: number): void {
    this.nextSequenceNumber = Math.max(this.nextSequenceNumber, next);
  }

  dispose(): void {
    for (const { timer } of this.scheduled.values()) this.clock.clearTimeout(timer);
    this.scheduled.clear();
    for (const subscription of this.subscriptions.values()) subscription.entity.dispose();
  }

  protected publish(content: MessageContent): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.matches(content)) subscription.entity.enqueue(content);
    }
  }

  protected schedule(content: MessageContent, enqueueTimeMs: number): number {
    const snapshot: MessageSnapshot = {
      content,
      sequenceNumber: this.nextSequenceNumber++,
      enqueuedTimeMs: this.clock.now(),
      state: 'scheduled',
      expiresAtMs: undefined,
      scheduledEnqueueTimeMs: enqueueTimeMs,
      deliveryCount: 0,
    };
    this.arm(snapshot);
    this.journal.messageStored(this.path, snapshot);
    return snapshot.sequenceNumber;
  }

  private arm(snapshot: MessageSnapshot): void {
    const { sequenceNumber } = snapshot;
    const dueAt = snapshot.scheduledEnqueueTimeMs ?? this.clock.now();
    const timer = this.clock.setTimeout(() => {
      this.scheduled.delete(sequenceNumber);
      // Copies first: a journal torn between the records delivers the message twice, never loses it.
      this.publish(snapshot.content);
      this.journal.messageRemoved(this.path, sequenceNumber);
    }, Math.max(0, dueAt - this.clock.now()));
    this.scheduled.set(sequenceNumber, { snapshot, timer });
  }
}
