import { DEFAULT_RULE_NAME, resolveEntitySettings, resolveSendSettings, SubscriptionDefinition, TopicDefinition } from '../topology';
import { SubscriptionRule } from '../filters/subscription-rule';
import { BrokerError } from './broker-error';
import type { Clock, TimerHandle } from './clock';
import type { MessageContent } from './message-content';
import { MessageEntity } from './message-entity';
import { deadLetterQueueFor } from './queue';
import { SendTarget } from './send-target';

export class Subscription {
  readonly entity: MessageEntity;
  private readonly rules = new Map<string, SubscriptionRule>();

  constructor(topicName: string, definition: SubscriptionDefinition, clock: Clock) {
    const path = `${topicName}/Subscriptions/${definition.name}`;
    const settings = resolveEntitySettings(definition);
    this.entity = new MessageEntity(path, settings, deadLetterQueueFor(path, settings, clock), clock);
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
  private readonly scheduled = new Map<number, TimerHandle>();

  constructor(definition: TopicDefinition, clock: Clock) {
    super(definition.name, resolveSendSettings(definition), clock);
    for (const subscription of definition.subscriptions ?? []) {
      this.subscriptions.set(subscription.name.toLowerCase(), new Subscription(definition.name, subscription, clock));
    }
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      this.clock.clearTimeout(this.scheduled.get(sequenceNumber));
      this.scheduled.delete(sequenceNumber);
    }
  }

  dispose(): void {
    for (const timer of this.scheduled.values()) this.clock.clearTimeout(timer);
    this.scheduled.clear();
    for (const subscription of this.subscriptions.values()) subscription.entity.dispose();
  }

  protected publish(content: MessageContent): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.matches(content)) subscription.entity.enqueue(content);
    }
  }

  protected schedule(content: MessageContent, enqueueTimeMs: number): number {
    const sequenceNumber = this.nextSequenceNumber++;
    const timer = this.clock.setTimeout(() => {
      this.scheduled.delete(sequenceNumber);
      this.publish(content);
    }, Math.max(0, enqueueTimeMs - this.clock.now()));
    this.scheduled.set(sequenceNumber, timer);
    return sequenceNumber;
  }
}
