import type { Delivery } from 'rhea';
import { BrokerError } from '../broker/broker-error';
import { MessageContent } from '../broker/message-content';
import type { SendTarget } from '../broker/send-target';
import type { StateJournal } from '../broker/state-journal';
import { amqpMessage } from './amqp-encoding';

/** Message format of a batch transfer: a list of data sections, each a complete message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/**
 * Accepts one transfer from a client sender link into a queue or topic. The sender sees
 * `accepted` only once the journal holds the messages durably.
 */
export function acceptTransfer(target: SendTarget, delivery: Delivery, payload: Buffer, journal: StateJournal): void {
  try {
    const limit = target.sendSettings.maxMessageSizeBytes;
    if (payload.length > limit) throw BrokerError.messageTooLarge(payload.length, limit);
    const messages =
      delivery.format === BATCH_MESSAGE_FORMAT ? MessageContent.parseBatch(payload) : [MessageContent.parse(payload)];
    for (const message of messages) target.send(message);
  } catch (error) {
    refuse(delivery, error instanceof BrokerError ? error : new BrokerError('amqp:decode-error', (error as Error).message, 400));
    return;
  }
  journal.afterDurable((error) => {
    if (error) refuse(delivery, new BrokerError('amqp:internal-error', error.message, 500));
    else delivery.update(true, amqpMessage.accepted().described());
  });
}

function refuse(delivery: Delivery, failure: BrokerError): void {
  delivery.update(true, amqpMessage.rejected({ error: { condition: failure.condition, description: failure.message } }).described());
}
