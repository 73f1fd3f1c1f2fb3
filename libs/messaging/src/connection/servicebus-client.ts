import { ServiceBusClient } from '@azure/service-bus';
import { DefaultAzureCredential } from '@azure/identity';

export interface ServiceBusConnectionSettings {
  SERVICEBUS_CONNECTION_STRING: string;
  /** Fully qualified namespace; when set, Entra ID (DefaultAzureCredential) is used instead of the connection string. */
  SERVICEBUS_NAMESPACE: string | undefined;
}

/**
 * The SDK's default retries (3 × 30 s) would stall one failing call for minutes; consumers and
 * the relay retry on their own schedule instead.
 */
export const RETRY_OPTIONS = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 5_000, timeoutInMs: 30_000 };

export function createServiceBusClient(settings: ServiceBusConnectionSettings): ServiceBusClient {
  if (settings.SERVICEBUS_NAMESPACE) {
    return new ServiceBusClient(settings.SERVICEBUS_NAMESPACE, new DefaultAzureCredential(), { retryOptions: RETRY_OPTIONS });
  }
  return new ServiceBusClient(settings.SERVICEBUS_CONNECTION_STRING, { retryOptions: RETRY_OPTIONS });
}
