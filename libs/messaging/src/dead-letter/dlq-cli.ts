import { parseArgs } from 'node:util';
import { loadConfig, messagingSettings } from '@comply/config';
import { PLATFORM_TOPOLOGY, TopicSubscription } from '@comply/contracts';
import { createLogger } from '@comply/observability';
import { createServiceBusClient } from '../connection/servicebus-client';
import { DeadLetterQueue, DeadLetterSummary } from './dead-letter-queue';

const USAGE = `Usage: npm run dlq -- <command> <topic>/<subscription> [options]

  list    <topic>/<subscription> [--max N]           dead-lettered messages with their reasons (default --max 100)
  show    <topic>/<subscription> --id <messageId>    one message in full (or --seq <sequenceNumber>)
  replay  <topic>/<subscription> (--id <messageId>... | --all)
                                                     send copies back to the topic for that subscription only
  purge   <topic>/<subscription> (--id <messageId>... | --all)
                                                     delete dead-lettered messages

Connects with SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE (default: the local emulator).
`;

/** Wrong input: printed with the usage, exit code 2. */
class UsageError extends Error {}

const COMMANDS = ['list', 'show', 'replay', 'purge'] as const;
type Command = (typeof COMMANDS)[number];

interface Invocation {
  command: Command;
  subscription: TopicSubscription;
  ids: string[];
  sequenceNumber: string | undefined;
  all: boolean;
  max: number;
}

function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        id: { type: 'string', multiple: true },
        seq: { type: 'string' },
        all: { type: 'boolean', default: false },
        max: { type: 'string', default: '100' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, path, ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command ?? '')) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  if (!path) throw new UsageError(`${command} needs <topic>/<subscription>`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.seq !== undefined && !/^\d+$/.test(values.seq)) throw new UsageError(`--seq must be a sequence number (got "${values.seq}")`);
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max must be a positive whole number (got "${values.max}")`);
  const invocation: Invocation = {
    command: command as Command,
    subscription: subscriptionAt(path),
    ids: values.id ?? [],
    sequenceNumber: values.seq,
    all: values.all,
    max,
  };
  if (invocation.command === 'show' && invocation.ids.length + (invocation.sequenceNumber ? 1 : 0) !== 1) {
    throw new UsageError('show needs exactly one --id <messageId> or --seq <sequenceNumber>');
  }
  if (invocation.command === 'replay' || invocation.command === 'purge') {
    // Acting on a whole dead-letter queue must be asked for explicitly.
    if (invocation.ids.length === 0 && !invocation.all) throw new UsageError(`${invocation.command} needs --id <messageId> (repeatable) or --all`);
    if (invocation.ids.length > 0 && invocation.all) throw new UsageError(`${invocation.command} takes --id or --all, not both`);
  }
  return invocation;
}

function subscriptionAt(path: string): TopicSubscription {
  const known = PLATFORM_TOPOLOGY.flatMap((topic) => topic.subscriptions.map((s): TopicSubscription => ({ topic: topic.name, ...s })));
  const found = known.find((s) => `${s.topic}/${s.name}` === path);
  if (!found) throw new UsageError(`unknown subscription "${path}"; known: ${known.map((s) => `${s.topic}/${s.name}`).join(', ')}`);
  return found;
}

function table(messages: DeadLetterSummary[]): string {
  const clip = (text: string | undefined, width: number) => {
    const value = (text ?? '').replace(/\s+/g, ' ');
    return value.length > width ? `${value.slice(0, width - 1)}…` : value;
  };
  const rows = [
    ['SEQ', 'MESSAGE ID', 'SUBJECT', 'ENQUEUED', 'DELIVERIES', 'REASON', 'DESCRIPTION', 'CORRELATION ID'],
    ...messages.map((m) => [
      m.sequenceNumber,
      m.messageId,
      m.subject ?? '',
      m.enqueuedTime?.toISOString() ?? '',
      String(m.deliveryCount),
      m.deadLetterReason ?? '',
      clip(m.deadLetterErrorDescription, 60),
      m.correlationId ?? '',
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

async function run(invocation: Invocation): Promise<number> {
  const settings = loadConfig(messagingSettings());
  const client = createServiceBusClient(settings);
  // Log lines (one per replayed or purged message) go to stderr; stdout stays for the answer.
  const logger = createLogger({ service: 'dlq', level: 'info', destination: process.stderr });
  const queue = new DeadLetterQueue({ client, subscription: invocation.subscription, logger });
  const path = `${invocation.subscription.topic}/${invocation.subscription.name}`;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  try {
    switch (invocation.command) {
      case 'list': {
        const messages = await queue.list({ max: invocation.max });
        out(messages.length ? `${table(messages)}\n${messages.length} dead-lettered message(s) on ${path}` : `no dead-lettered messages on ${path}`);
        return 0;
      }
      case 'show': {
        const target = invocation.sequenceNumber ? { sequenceNumber: invocation.sequenceNumber } : { messageId: invocation.ids[0] };
        const message = await queue.show(target);
        if (!message) {
          process.stderr.write(`no dead-lettered message ${JSON.stringify(target)} on ${path}\n`);
          return 1;
        }
        out(JSON.stringify(message, null, 2));
        return 0;
      }
      case 'replay': {
        const result = await queue.replay(invocation.all ? {} : { messageIds: invocation.ids });
        for (const r of result.replayed) out(`replayed ${r.messageId} as ${r.replayMessageId} (correlation ${r.correlationId ?? '-'})`);
        out(`${result.replayed.length} message(s) replayed to ${path}`);
        return reportNotFound(result.notFound, path);
      }
      case 'purge': {
        const result = await queue.purge(invocation.all ? {} : { messageIds: invocation.ids });
        for (const id of result.purged) out(`purged ${id}`);
        out(`${result.purged.length} message(s) purged from ${path}`);
        return reportNotFound(result.notFound, path);
      }
    }
  } finally {
    await client.close();
  }
}

function reportNotFound(ids: string[], path: string): number {
  if (ids.length === 0) return 0;
  process.stderr.write(`not in the dead-letter queue of ${path} (or locked by another receiver): ${ids.join(', ')}\n`);
  return 1;
}

async function main(): Promise<void> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dlq: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await run(invocation);
}

main().catch((error: unknown) => {
  process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
