import { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import Long from 'long';
import { Clock, EmulatorTopology, RunningEmulator, startEmulator } from '../index';

/** Retry options short enough that one failing call cannot stall a test for minutes. */
export const SHORT_RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5000 };

export function createTestClient(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: SHORT_RETRY });
}

/** Every message the receiver's entity holds, in any state, from the first sequence number on; locks nothing. */
export function peekAll(receiver: ServiceBusReceiver): Promise<ServiceBusReceivedMessage[]> {
  return receiver.peekMessages(100, { fromSequenceNumber: Long.fromNumber(1) });
}

export interface TestEmulator {
  emulator: RunningEmulator;
  client: ServiceBusClient;
}

/**
 * Starts an emulator with `topology` (and `clock`, when the tests move time themselves) and a
 * client on it for the enclosing describe block. The properties are filled in by beforeAll, so
 * read them inside tests, not when the block is declared.
 */
export function useEmulator(topology: EmulatorTopology, clock?: Clock): TestEmulator {
  const bus = {} as TestEmulator;
  beforeAll(async () => {
    bus.emulator = await startEmulator({ port: 0, topology, clock });
    bus.client = createTestClient(bus.emulator.connectionString);
  });
  afterAll(async () => {
    await bus.client.close();
    await bus.emulator.stop();
  });
  return bus;
}
