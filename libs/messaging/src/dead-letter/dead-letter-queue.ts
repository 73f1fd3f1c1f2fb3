import type {
  ServiceBusClient,
  ServiceBusMessage,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from '@azure/service-bus';
import { REPLAY_PROPERTIES, TopicSubscription } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import Long from 'long';
import { SenderCache } from '../connection/sender-cache';
import { SettlementQueue } from '../consumer/settlement-queue';

/** One dead-lettered message as `list` shows it. */
export interface DeadLetterSummary {
  messageId: string;
  subject: string | undefined;
  /** Decimal text: Service Bus sequence numbers are 64-bit. */
  sequenceNumber: string;
  enqueuedTime: Date | undefined;
  deliveryCount: number;
  deadLetterReason: string | undefined;
  deadLetterErrorDescription: string | undefined;
  correlationId: string | undefined;
}

/** A dead-lettered message in full, as `show` returns it. */
export interface DeadLetterDetail extends DeadLetterSummary {
  contentType: string | undefined;
  timeToLive: number | undefined;
  applicationProperties: Record<string, unknown>;
  body: unknown;
}

export interface DeadLetterSelection {
  /** Only the messages with these ids; omitted: every message in the dead-letter queue when the call starts. */
  messageIds?: readonly string[];
}

export interface ReplayRecord {
  messageId: string;
  replayMessageId: string;
  correlationId: string | undefined;
}

export interface ReplayResult {
  replayed: ReplayRecord[];
  /** Requested ids that the dead-letter queue did not hold (or another receiver had locked). */
  notFound: string[];
}

export interface PurgeResult {
  purged: string[];
  notFound: string[];
}

export interface DeadLetterQueueOptions {
  client: ServiceBusClient;
  subscription: Pick<TopicSubscription, 'topic' | 'name'>;
  logger: Logger;
  /** How long an empty receive means the queue holds nothing more for us. */
  quietMs?: number;
}

const PAGE_SIZE = 100;
/** Set by the broker when it dead-letters; a copy sent back to the topic must not carry them. */
const BROKER_DEAD_LETTER_PROPERTIES = ['DeadLetterReason', 'DeadLetterErrorDescription'];

/**
 * The dead-letter queue of one subscription: inspect (peek, no locks), replay to that subscription
 * only, purge.
 *
 * Replay sends a copy to the topic with `replayedFor = <subscription>`, which only that
 * subscription's rules admit (`subscriptionRules` in @comply/contracts), and `replayOf` = the
 * original messageId. The copy gets a new messageId (`<original>:replay:<subscription>:<sequence
 * number in the dead-letter queue>`): the topic's duplicate detection would drop the original id,
 * and the inbox would take it for handled. The copy is sent before the dead letter is completed;
 * after a crash in between, replaying again sends the same id, which the topic drops as a
 * duplicate within its 10-minute detection window (later, it is a second copy).
 *
 * The sender to the topic stays open between replays; `close()` it when done (closing the client
 * closes it too).
 */
export class DeadLetterQueue {
  private readonly path: string;
  private readonly senders: SenderCache;

  constructor(private readonly options: DeadLetterQueueOptions) {
    this.path = `${options.subscription.topic}/${options.subscription.name}`;
    this.senders = new SenderCache(options.client);
  }

  async list(options: { max?: number } = {}): Promise<DeadLetterSummary[]> {
    return (await this.peek(options.max ?? PAGE_SIZE)).map(summaryOf);
  }

  async show(target: { messageId: string } | { sequenceNumber: string }): Promise<DeadLetterDetail | undefined> {
    if ('sequenceNumber' in target) {
      const [message] = await this.withReceiver((receiver) => receiver.peekMessages(1, { fromSequenceNumber: Long.fromString(target.sequenceNumber) }));
      return message && String(message.sequenceNumber) === target.sequenceNumber ? detailOf(message) : undefined;
    }
    const found = (await this.peek(Number.POSITIVE_INFINITY)).find((m) => String(m.messageId) === target.messageId);
    return found && detailOf(found);
  }

  async replay(selection: DeadLetterSelection = {}): Promise<ReplayResult> {
    const { topic, name } = this.options.subscription;
    const replayed: ReplayRecord[] = [];
    const { notFound } = await this.take(selection, async (messages) => {
      const copies = messages.map((message) => replayCopy(message, name));
      await sendAll(this.senders.get(topic), copies);
      messages.forEach((message, i) => {
        const record = { messageId: String(message.messageId), replayMessageId: String(copies[i].messageId), correlationId: correlationOf(message) };
        this.options.logger.info({ subscription: this.path, ...record, subject: message.subject }, 'dead letter replayed');
        replayed.push(record);
      });
    });
    return { replayed, notFound };
  }

  async purge(selection: DeadLetterSelection = {}): Promise<PurgeResult> {
    const purged: string[] = [];
    const { notFound } = await this.take(selection, async (messages) => {
      for (const message of messages) {
        this.options.logger.info(
          { subscription: this.path, messageId: String(message.messageId), correlationId: correlationOf(message), deadLetterReason: message.deadLetterReason },
          'dead letter purged',
        );
        purged.push(String(message.messageId));
      }
    });
    return { purged, notFound };
  }

  /** Closes the sender that replays opened. */
  close(): Promise<void> {
    return this.senders.closeAll();
  }

  /**
   * Locks the selected dead letters, hands each received group to `act`, then completes the group.
   * The selection is fixed by a peek first, so messages dead-lettered meanwhile (a replay that
   * failed again) are left alone. Messages received on the way that are not selected stay locked
   * until the end and are then abandoned: abandoning at once would hand them straight back.
   */
  private async take(selection: DeadLetterSelection, act: (messages: ServiceBusReceivedMessage[]) => Promise<void>): Promise<{ notFound: string[] }> {
    const requested = selection.messageIds ? new Set(selection.messageIds) : undefined;
    const snapshot = await this.peek(Number.POSITIVE_INFINITY);
    const wanted = new Set(snapshot.filter((m) => !requested || requested.has(String(m.messageId))).map((m) => String(m.sequenceNumber)));
    const taken = new Set<string>();
    if (wanted.size > 0) {
      await this.withReceiver(async (receiver) => {
        const settlement = new SettlementQueue(receiver);
        const unselected: ServiceBusReceivedMessage[] = [];
        let inHand: ServiceBusReceivedMessage[] = [];
        try {
          while (wanted.size > 0) {
            const received = await receiver.receiveMessages(Math.min(wanted.size, PAGE_SIZE), { maxWaitTimeInMs: this.options.quietMs ?? 2_000 });
            if (received.length === 0) break;
            inHand = received.filter((m) => wanted.delete(String(m.sequenceNumber)));
            unselected.push(...received.filter((m) => !inHand.includes(m)));
            if (inHand.length === 0) continue;
            await act(inHand);
            await Promise.all(inHand.map((m) => settlement.settle(m, { kind: 'complete' })));
            for (const m of inHand) taken.add(String(m.messageId));
            inHand = [];
          }
        } finally {
          // Also what `act` failed on, so nothing stays locked until its lock expires.
          await Promise.all([...unselected, ...inHand].map((m) => settlement.settle(m, { kind: 'abandon' }).catch(() => undefined)));
        }
      });
    }
    return { notFound: requested ? [...requested].filter((id) => !taken.has(id)) : [] };
  }

  /**
   * Peeks up to `max` messages from the start of the dead-letter queue. Always from an explicit
   * sequence number: without one the SDK continues from the last peek of any receiver of the
   * client on this entity.
   */
  private peek(max: number): Promise<ServiceBusReceivedMessage[]> {
    return this.withReceiver(async (receiver) => {
      const messages: ServiceBusReceivedMessage[] = [];
      let fromSequenceNumber = Long.ZERO;
      while (messages.length < max) {
        const page = await receiver.peekMessages(Math.min(PAGE_SIZE, max - messages.length), { fromSequenceNumber });
        if (page.length === 0) break;
        messages.push(...page);
        const last = page[page.length - 1].sequenceNumber;
        if (!last) break;
        fromSequenceNumber = last.add(1);
      }
      return messages;
    });
  }

  private async withReceiver<T>(work: (receiver: ServiceBusReceiver) => Promise<T>): Promise<T> {
    const { topic, name } = this.options.subscription;
    const receiver = this.options.client.createReceiver(topic, name, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    try {
      return await work(receiver);
    } finally {
      await receiver.close();
    }
  }
}

function correlationOf(message: ServiceBusReceivedMessage): string | undefined {
  return message.correlationId === undefined ? undefined : String(message.correlationId);
}

function summaryOf(message: ServiceBusReceivedMessage): DeadLetterSummary {
  return {
    messageId: String(message.messageId),
    subject: message.subject,
    sequenceNumber: String(message.sequenceNumber),
    enqueuedTime: message.enqueuedTimeUtc,
    deliveryCount: message.deliveryCount ?? 0,
    deadLetterReason: message.deadLetterReason,
    deadLetterErrorDescription: message.deadLetterErrorDescription,
    correlationId: correlationOf(message),
  };
}

function detailOf(message: ServiceBusReceivedMessage): DeadLetterDetail {
  return {
    ...summaryOf(message),
    contentType: message.contentType,
    timeToLive: message.timeToLive,
    applicationProperties: { ...message.applicationProperties },
    body: message.body,
  };
}

/** The copy of a dead letter that only `subscription` receives; see the class comment. */
function replayCopy(message: ServiceBusReceivedMessage, subscription: string): ServiceBusMessage {
  const properties = { ...message.applicationProperties };
  for (const name of BROKER_DEAD_LETTER_PROPERTIES) delete properties[name];
  // A replay of a replay still points at the message as first published.
  const original = typeof properties[REPLAY_PROPERTIES.replayOf] === 'string' ? String(properties[REPLAY_PROPERTIES.replayOf]) : String(message.messageId);
  return {
    messageId: `${original}:replay:${subscription}:${String(message.sequenceNumber)}`,
    subject: message.subject,
    correlationId: message.correlationId,
    contentType: message.contentType,
    body: message.body,
    applicationProperties: {
      ...properties,
      [REPLAY_PROPERTIES.replayedFor]: subscription,
      [REPLAY_PROPERTIES.replayOf]: original,
    },
  };
}

async function sendAll(sender: ServiceBusSender, messages: ServiceBusMessage[]): Promise<void> {
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count > 0) {
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
    }
    if (!batch.tryAddMessage(message)) throw new Error(`message ${String(message.messageId)} is too large to send`);
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}
