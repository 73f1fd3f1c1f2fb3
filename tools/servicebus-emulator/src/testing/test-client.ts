import { ServiceBusClient } from '@azure/service-bus';
import { EmulatorTopology, RunningEmulator, startEmulator } from '../index';

/** Retry options short enough that one failing call cannot stall a test for minutes. */
export const SHORT_RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5000 };

export function createTestClient(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: SHORT_RETRY });
}

export interface TestEmulator {
  emulator: RunningEmulator;
  client: ServiceBusClient;
}

/**
 * Starts an emulator with `topology` and a client on it for the enclosing describe block.
 * The properties are filled in by beforeAll, so read them inside tests, not when the block is declared.
 */
export function useEmulator(topology: EmulatorTopology): TestEmulator {
  const bus = {} as TestEmulator;
  beforeAll(async () => {
    bus.emulator = await startEmulator({ port: 0, topology });
    bus.client = createTestClient(bus.emulator.connectionString);
  });
  afterAll(async () => {
    await bus.client.close();
    await bus.emulator.stop();
  });
  return bus;
}
