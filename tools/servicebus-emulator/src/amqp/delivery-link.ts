import type { Delivery, Sender } from 'rhea';
import { BrokerError } from '../broker/broker-error';
import type { MessageConsumer, MessageEntity, ReceiveMode, Settlement } from '../broker/message-entity';
import type { StateJournal } from '../broker/state-journal';
import { amqpMessage } from './amqp-encoding';
import { lockTokenToDeliveryTag } from './lock-token';
import {
  enableDrainReplies,
  forgetDelivery,
  isDraining,
  outgoingWindowSpace,
  rawCredit,
  rawDeliveryCount,
  replyToDrain,
} from './rhea-extensions';

const DEAD_LETTER_CONDITION = 'com.microsoft:dead-letter';

interface Outcome {
  value?: { descriptor?: unknown };
  constructor: { composite_type?: string };
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
  error?: { condition?: string; info?: Record<string, unknown> };
}

/** A client receiver link: the broker sends messages over it within the credit the client grants. */
export class DeliveryLink implements MessageConsumer {
  sessionId: string | undefined;
  private sent = 0;
  private discardedByDrain = 0;
  private readonly lockTokens = new WeakMap<Delivery, string>();
  /** Settled here, answer pending on the journal; rhea reports a `modified` outcome twice (also as `released`). */
  private readonly answering = new WeakSet<Delivery>();
  private nextTag = 0;
  private closed = false;

  constructor(
    readonly sender: Sender,
    readonly entity: MessageEntity,
    readonly receiveMode: ReceiveMode,
    private readonly journal: StateJournal,
  ) {
    enableDrainReplies(sender, (credit) => {
      this.discardedByDrain += credit;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Credit the client granted minus deliveries already handed to rhea but not yet written, and
   * never more than the session's delivery buffer can hold.
   */
  availableCredit(): number {
    if (this.closed) return 0;
    const written = rawDeliveryCount(this.sender) - this.discardedByDrain;
    return Math.min(rawCredit(this.sender) - (this.sent - written), outgoingWindowSpace(this.sender));
  }

  deliver(bytes: Buffer, lockToken: string | undefined): void {
    const tag = lockToken ? lockTokenToDeliveryTag(lockToken) : Buffer.from(String(this.nextTag++));
    const delivery = this.sender.send(bytes, tag, 0);
    this.sent++;
    if (lockToken) this.lockTokens.set(delivery, lockToken);
  }

  sessionLockLost(): void {
    const error = BrokerError.sessionLockLost(this.sessionId ?? '');
    this.close({ condition: error.condition, description: error.message });
  }

  onFlow(): void {
    this.entity.dispatch();
    if (isDraining(this.sender)) replyToDrain(this.sender);
  }

  onSettled(delivery: Delivery): void {
    const lockToken = this.lockTokens.get(delivery);
    const outcome = delivery.remote_state as unknown as Outcome | undefined;
    if (!lockToken || !outcome || delivery.settled || this.answering.has(delivery)) return;
    try {
      this.entity.settle(lockToken, settlementOf(outcome));
    } catch (error) {
      this.answer(delivery, amqpMessage.rejected(errorOf(error instanceof BrokerError ? error : BrokerError.lockLost())).described());
      return;
    }
    // The receiver learns that its settlement holds only once the journal holds it.
    this.answering.add(delivery);
    this.journal.afterDurable((error) => {
      const failure = error && new BrokerError('amqp:internal-error', error.message, 500);
      this.answer(delivery, failure ? amqpMessage.rejected(errorOf(failure)).described() : echo(outcome));
    });
  }

  private answer(delivery: Delivery, state: unknown): void {
    delivery.update(true, state as Parameters<Delivery['update']>[1]);
    forgetDelivery(delivery);
    // rhea frees the delivery's place in the session buffer on its next write; send more after it.
    setImmediate(() => this.entity.dispatch());
  }

  close(error?: { condition: string; description: string }): void {
    this.detachFromEntity();
    if (this.sender.is_open()) this.sender.close(error);
  }

  detachFromEntity(): void {
    if (this.closed) return;
    this.closed = true;
    this.entity.removeConsumer(this);
  }
}

function errorOf(failure: BrokerError): object {
  return { error: { condition: failure.condition, description: failure.message } };
}

function outcomeName(outcome: Outcome): string | undefined {
  return outcome.constructor.composite_type;
}

function settlementOf(outcome: Outcome): Settlement {
  switch (outcomeName(outcome)) {
    case 'accepted':
      return { kind: 'complete' };
    case 'modified':
      return outcome.undeliverable_here
        ? { kind: 'defer', properties: outcome.message_annotations }
        : { kind: 'abandon', properties: outcome.message_annotations };
    case 'rejected': {
      if (outcome.error?.condition !== DEAD_LETTER_CONDITION) return { kind: 'deadLetter', reason: outcome.error?.condition };
      const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = outcome.error.info ?? {};
      return {
        kind: 'deadLetter',
        reason: DeadLetterReason === undefined ? undefined : String(DeadLetterReason),
        description: DeadLetterErrorDescription === undefined ? undefined : String(DeadLetterErrorDescription),
        properties,
      };
    }
    default:
      return { kind: 'abandon' };
  }
}

/** The success answer repeats the client's outcome type; an error in it would fail the SDK call. */
function echo(outcome: Outcome): unknown {
  switch (outcomeName(outcome)) {
    case 'accepted':
      return amqpMessage.accepted().described();
    case 'modified':
      return amqpMessage.modified({ undeliverable_here: outcome.undeliverable_here }).described();
    case 'rejected':
      return amqpMessage.rejected().described();
    default:
      return amqpMessage.released().described();
  }
}
