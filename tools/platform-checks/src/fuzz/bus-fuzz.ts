import type { ServiceBusClient, ServiceBusMessage, ServiceBusMessageBatch } from '@azure/service-bus';
import type { PlatformService, TopicName, TopicSpec } from '@comply/contracts';
import { DeadLetterQueue } from '@comply/messaging';
import { createLogger } from '@comply/observability';
import { drainSubscription } from '@comply/testing';
import fc from 'fast-check';
import { preview } from './http-fuzz';
import { malformedMessages, type MalformedMessage } from './malformed-messages';

/** One malformed message, the topic it is sent to, and the subscriptions whose rules deliver it (and must dead-letter it). */
export interface BusCase {
  topic: TopicName;
  index: number;
  messageId: string;
  message: MalformedMessage;
  subscriptions: PlatformService[];
}

/** `cases` messages per subject of each topic, in the order the seed generates them; every subscription gets `cases` per subject it takes. */
export function busCasesOf(topology: readonly TopicSpec[], cases: number, seed: number): BusCase[] {
  return topology.flatMap((topic) => {
    const subjects = [...new Set(topic.subscriptions.flatMap((subscription) => subscription.subjects))];
    return subjects.flatMap((subject) => {
      const subscriptions = topic.subscriptions.filter((subscription) => subscription.subjects.includes(subject)).map((subscription) => subscription.name);
      return fc.sample(malformedMessages(subject), { numRuns: cases, seed }).map((message, index) => ({
        topic: topic.name,
        index,
        messageId: `fuzz-${seed}-${subject}-${index}`,
        message,
        subscriptions,
      }));
    });
  });
}

export async function sendAll(client: ServiceBusClient, cases: BusCase[]): Promise<void> {
  for (const topic of new Set(cases.map((c) => c.topic))) {
    const sender = client.createSender(topic);
    try {
      let batch: ServiceBusMessageBatch = await sender.createMessageBatch();
      for (const busCase of cases.filter((c) => c.topic === topic)) {
        const message: ServiceBusMessage = {
          messageId: busCase.messageId,
          subject: busCase.message.subject,
          contentType: 'application/json',
          body: busCase.message.body,
          applicationProperties: busCase.message.applicationProperties,
        };
        if (batch.tryAddMessage(message)) continue;
        if (batch.count > 0) await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(message)) throw new Error(`${busCase.messageId} (${busCase.message.body.length} bytes) fits in no batch`);
      }
      if (batch.count > 0) await sender.sendMessages(batch);
    } finally {
      await sender.close();
    }
  }
}

/** What each subscription's dead-letter queue held of the fuzzer's messages, by messageId. */
export type DeadLetters = Map<string, Map<string, DeadLetter>>;

export interface DeadLetter {
  messageId: string;
  reason: string | undefined;
  description: string | undefined;
}

export interface DeadLetterHarvest {
  deadLetters: DeadLetters;
  /** Fuzzed messages the drain found that the last peek (`npm run dlq`'s DeadLetterQueue.list) did not show. */
  missedByPeek: string[];
  /** Other dead letters found on the way (not the fuzzer's), by subscription and reason. */
  others: Record<string, number>;
}

const pathOf = (topic: string, subscription: string) => `${topic}/${subscription}`;

/**
 * Peeks (no locks, as `npm run dlq list` does) every subscription the cases go to until each holds
 * all it should, or the count has not grown for `quietMs`, or `timeoutMs` passes; then drains
 * them, which reads every message whatever a peek's paging shows.
 */
export async function harvestDeadLetters(client: ServiceBusClient, cases: BusCase[], options: { timeoutMs: number; quietMs: number }): Promise<DeadLetterHarvest> {
  const logger = createLogger({ service: 'platform-checks', level: 'silent' });
  const expected = new Map<string, { topic: TopicName; name: PlatformService; ids: Set<string> }>();
  for (const busCase of cases) {
    for (const name of busCase.subscriptions) {
      const path = pathOf(busCase.topic, name);
      const entry = expected.get(path) ?? { topic: busCase.topic, name, ids: new Set<string>() };
      entry.ids.add(busCase.messageId);
      expected.set(path, entry);
    }
  }
  const wanted = [...expected.values()].reduce((sum, { ids }) => sum + ids.size, 0);
  const peeked = new Map<string, Set<string>>();
  const deadline = Date.now() + options.timeoutMs;
  let seen = -1;
  let grewAt = Date.now();
  for (;;) {
    for (const [path, { topic, name, ids }] of expected) {
      const queue = new DeadLetterQueue({ client, subscription: { topic, name }, logger });
      peeked.set(path, new Set((await queue.list({ max: Number.POSITIVE_INFINITY })).map((summary) => summary.messageId).filter((id) => ids.has(id))));
      await queue.close();
    }
    const count = [...peeked.values()].reduce((sum, ids) => sum + ids.size, 0);
    if (count > seen) [seen, grewAt] = [count, Date.now()];
    if (count >= wanted || Date.now() - grewAt > options.quietMs || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  const deadLetters: DeadLetters = new Map();
  const missedByPeek: string[] = [];
  const others: Record<string, number> = {};
  for (const [path, { topic, name, ids }] of expected) {
    const held = new Map<string, DeadLetter>();
    for (const message of await drainSubscription(client, topic, name, { deadLetter: true, quietMs: 1_000 })) {
      const messageId = String(message.messageId);
      if (!ids.has(messageId)) {
        const key = `${path} ${String(message.subject)} ${message.deadLetterReason}`;
        others[key] = (others[key] ?? 0) + 1;
        continue;
      }
      held.set(messageId, { messageId, reason: message.deadLetterReason, description: message.deadLetterErrorDescription });
      if (!peeked.get(path)?.has(messageId)) missedByPeek.push(`${path} ${messageId}`);
    }
    deadLetters.set(path, held);
  }
  return { deadLetters, missedByPeek, others };
}

/** Each case a subscription did not dead-letter with the reason its validation gives, and a description that says what is wrong. */
export function busFindings(cases: BusCase[], deadLetters: DeadLetters): string[] {
  return cases.flatMap((busCase) =>
    busCase.subscriptions.flatMap((name) => {
      const letter = deadLetters.get(pathOf(busCase.topic, name))?.get(busCase.messageId);
      const problem = !letter
        ? 'not in the dead-letter queue (completed, or still being retried)'
        : letter.reason !== busCase.message.reason
          ? `dead-lettered as ${letter.reason}, expected ${busCase.message.reason}`
          : !letter.description
            ? 'dead-lettered without a description'
            : busCase.message.kind === 'contract' && !letter.description.includes('"path"')
              ? `the description names no field: ${letter.description}`
              : undefined;
      if (!problem) return [];
      const message = busCase.message;
      return [`${pathOf(busCase.topic, name)} ${message.subject} case #${busCase.index} (${message.kind}, messageId ${busCase.messageId}): ${problem}\n  sent properties ${JSON.stringify(message.applicationProperties)} body ${message.body.length} bytes ${preview(message.body.toString('latin1'))}`];
    }),
  );
}
