import { ServiceBusClient } from '@azure/service-bus';

/** Retry options short enough that one failing call cannot stall a test for minutes. */
export const SHORT_RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5000 };

export function createTestClient(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: SHORT_RETRY });
}
