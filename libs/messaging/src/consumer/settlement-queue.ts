import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';

type Action =
  | { kind: 'complete' }
  | { kind: 'abandon'; propertiesToModify?: Record<string, string | number> }
  | { kind: 'deadLetter'; reason: string; description: string };

interface Pending {
  message: ServiceBusReceivedMessage;
  action: Action;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Settles messages so that dispositions of different kinds are never outstanding together. rhea
 * merges dispositions of adjacent deliveries written in the same tick and applies the first one's
 * outcome to the whole range, so a complete and a dead-letter sent together can both end up
 * completed, and two dead-letters sent together both carry the first one's reason (see notes on
 * the Service Bus wire protocol). Settlements that look the same on the wire go out as soon as
 * they are asked for, even while earlier ones of that kind are unanswered: one slow answer (a
 * link the SDK is closing waits out its settlement timeout) must not hold back every batch behind
 * it. A settlement of another kind waits until everything outstanding has been answered.
 */
export class SettlementQueue {
  private pending: Pending[] = [];
  private readonly outstanding = new Set<{ key: string; answered: Promise<void> }>();
  private flushing = false;

  constructor(private readonly receiver: ServiceBusReceiver) {}

  settle(message: ServiceBusReceivedMessage, action: Action): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, action, resolve, reject });
      // Deferred, so settlements requested in the same tick join one group.
      queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const key = dispositionKey(this.pending[0].action);
        const otherKinds = [...this.outstanding].filter((group) => group.key !== key);
        if (otherKinds.length > 0) {
          await Promise.all(otherKinds.map((group) => group.answered));
          continue;
        }
        const group: Pending[] = [];
        const rest: Pending[] = [];
        for (const item of this.pending) (dispositionKey(item.action) === key ? group : rest).push(item);
        this.pending = rest;
        const sent = { key, answered: Promise.all(group.map((item) => this.apply(item))).then(() => undefined) };
        this.outstanding.add(sent);
        void sent.answered.then(() => this.outstanding.delete(sent));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async apply(item: Pending): Promise<void> {
    try {
      const { message, action } = item;
      if (action.kind === 'complete') await this.receiver.completeMessage(message);
      else if (action.kind === 'abandon') await this.receiver.abandonMessage(message, action.propertiesToModify);
      else {
        await this.receiver.deadLetterMessage(message, {
          deadLetterReason: action.reason,
          deadLetterErrorDescription: action.description,
        });
      }
      item.resolve();
    } catch (error) {
      item.reject(error);
    }
  }
}

/** Equal for settlements that would be sent as the same disposition. */
function dispositionKey(action: Action): string {
  if (action.kind === 'complete') return 'complete';
  if (action.kind === 'abandon') return `abandon:${JSON.stringify(action.propertiesToModify ?? {})}`;
  return `deadLetter:${JSON.stringify([action.reason, action.description])}`;
}
