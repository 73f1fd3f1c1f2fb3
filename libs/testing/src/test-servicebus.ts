import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { emulatorTopology, RunningEmulator, startEmulator } from '@comply/servicebus-emulator';

/**
 * A private Service Bus for one test suite: the emulator on a free loopback port with the
 * platform's topology. `lockDurationMs` shortens every subscription's lock, for tests that kill a
 * consumer and wait for its locked messages to come back. Stop it in afterAll.
 */
export function startTestServiceBus(options: { lockDurationMs?: number } = {}): Promise<RunningEmulator> {
  const topology = emulatorTopology(PLATFORM_TOPOLOGY);
  const { lockDurationMs } = options;
  return startEmulator({
    host: '127.0.0.1',
    port: 0,
    topology: lockDurationMs
      ? {
          ...topology,
          topics: topology.topics?.map((topic) => ({
            ...topic,
            subscriptions: topic.subscriptions?.map((subscription) => ({ ...subscription, lockDurationMs })),
          })),
        }
      : topology,
  });
}

/** Receives and deletes everything in a subscription (or its dead-letter queue) until it stays empty for `quietMs`. */
export async function drainSubscription(
  client: ServiceBusClient,
  topic: string,
  subscription: string,
  options: { deadLetter?: boolean; quietMs?: number } = {},
): Promise<ServiceBusReceivedMessage[]> {
  const receiver = client.createReceiver(topic, subscription, {
    receiveMode: 'receiveAndDelete',
    subQueueType: options.deadLetter ? 'deadLetter' : undefined,
  });
  const received: ServiceBusReceivedMessage[] = [];
  for (;;) {
    const batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: options.quietMs ?? 500 });
    if (batch.length === 0) break;
    received.push(...batch);
  }
  await receiver.close();
  return received;
}
