import { isServiceBusError, type ServiceBusMessageBatch, type ServiceBusSender } from '@azure/service-bus';
import { OutboxRow, toServiceBusMessage } from './outbox-message';

/** What became of each row of one relay round. */
export interface SendOutcome {
  sent: OutboxRow[];
  /** The send failed for a reason that may pass: the row stays pending and is retried. */
  failed: { row: OutboxRow; error: string }[];
  /** The broker will never take the row (too large): it is dead-lettered in the outbox. */
  refused: { row: OutboxRow; reason: string }[];
}

export function emptySendOutcome(): SendOutcome {
  return { sent: [], failed: [], refused: [] };
}

/**
 * Sends rows of one topic in as few batches as the broker's maximum message size allows, and
 * records each row in `outcome`. A row that does not fit even an empty batch is refused without
 * a send. A batch the broker answers MessageSizeExceeded for (its limit is lower than the link
 * advertised) is sent again row by row, so that only the rows it refuses alone are refused.
 */
export async function sendInBatches(sender: ServiceBusSender, rows: readonly OutboxRow[], outcome: SendOutcome): Promise<void> {
  let inBatch: OutboxRow[] = [];
  let next = 0;
  try {
    let batch = await sender.createMessageBatch();
    for (; next < rows.length; next++) {
      const row = rows[next];
      const message = toServiceBusMessage(row);
      if (batch.tryAddMessage(message)) {
        inBatch.push(row);
        continue;
      }
      if (inBatch.length > 0) {
        await sendBatch(sender, batch, inBatch, outcome);
        inBatch = [];
        batch = await sender.createMessageBatch();
        if (batch.tryAddMessage(message)) {
          inBatch.push(row);
          continue;
        }
      }
      outcome.refused.push({ row, reason: tooLargeForBatch(row, batch.maxSizeInBytes) });
    }
    if (inBatch.length > 0) await sendBatch(sender, batch, inBatch, outcome);
  } catch (error) {
    // No batch could be made (e.g. the link does not attach): every row not yet sent waits for a later round.
    for (const row of [...inBatch, ...rows.slice(next)]) outcome.failed.push({ row, error: errorText(error) });
  }
}

/** The size of the JSON body as sent (the SDK serialises it with JSON.stringify), for reasons and logs. */
export function bodyBytesOf(row: OutboxRow): number {
  return Buffer.byteLength(JSON.stringify(row.body));
}

async function sendBatch(sender: ServiceBusSender, batch: ServiceBusMessageBatch, rows: OutboxRow[], outcome: SendOutcome): Promise<void> {
  try {
    await sender.sendMessages(batch);
    outcome.sent.push(...rows);
  } catch (error) {
    if (!isMessageSizeExceeded(error)) {
      for (const row of rows) outcome.failed.push({ row, error: errorText(error) });
    } else if (rows.length === 1) {
      outcome.refused.push({ row: rows[0], reason: `MessageSizeExceeded: ${error.message}` });
    } else {
      for (const row of rows) await sendAlone(sender, row, outcome);
    }
  }
}

async function sendAlone(sender: ServiceBusSender, row: OutboxRow, outcome: SendOutcome): Promise<void> {
  try {
    await sender.sendMessages(toServiceBusMessage(row));
    outcome.sent.push(row);
  } catch (error) {
    if (isMessageSizeExceeded(error)) outcome.refused.push({ row, reason: `MessageSizeExceeded: ${error.message}` });
    else outcome.failed.push({ row, error: errorText(error) });
  }
}

function isMessageSizeExceeded(error: unknown): error is Error {
  return isServiceBusError(error) && error.code === 'MessageSizeExceeded';
}

function tooLargeForBatch(row: OutboxRow, maxSizeInBytes: number): string {
  return `MessageSizeExceeded: ${bodyBytesOf(row)}-byte body does not fit a message of at most ${maxSizeInBytes} bytes`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
