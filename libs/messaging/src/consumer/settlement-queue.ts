import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';

export type SettlementAction =
  | { kind: 'complete' }
  | { kind: 'abandon'; propertiesToModify?: Record<string, string | number> }
  | { kind: 'deadLetter'; reason: string; description: string };

interface Pending {
  message: ServiceBusReceivedMessage;
  action: SettlementAction;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Settles messages so that dispositions of different kinds are never written in the same turn of
 * the event loop. rhea collects the dispositions marked during a turn and writes them on its next
 * tick, merging adjacent deliveries into one range with the first one's outcome, so a complete and
 * a dead-letter marked together can both end up completed, and two dead-letters both carry the
 * first one's reason (see notes on the Service Bus wire protocol). The SDK marks a delivery
 * synchronously when asked to settle it, and rhea's tick runs before the next macrotask, so a
 * group of another kind waits for `setImmediate` after the last group was sent. It does not wait
 * for the broker's answers: one slow answer (a link the SDK is closing waits out its settlement
 * timeout) must hold back nothing but its own caller.
 */
export class SettlementQueue {
  private pending: Pending[] = [];
  private lastSent?: { key: string; turnOver: Promise<void> };
  private flushing = false;

  constructor(private readonly receiver: ServiceBusReceiver) {}

  settle(message: ServiceBusReceivedMessage, action: SettlementAction): Promise<void> {
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
        if (this.lastSent && this.lastSent.key !== key) await this.lastSent.turnOver;
        const group: Pending[] = [];
        const rest: Pending[] = [];
        for (const item of this.pending) (dispositionKey(item.action) === key ? group : rest).push(item);
        this.pending = rest;
        for (const item of group) void this.apply(item);
        this.lastSent = { key, turnOver: new Promise((resolve) => setImmediate(resolve)) };
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
function dispositionKey(action: SettlementAction): string {
  if (action.kind === 'complete') return 'complete';
  if (action.kind === 'abandon') return `abandon:${JSON.stringify(action.propertiesToModify ?? {})}`;
  return `deadLetter:${JSON.stringify([action.reason, action.description])}`;
}
