import { createServiceBusClient } from './servicebus-client';

describe('createServiceBusClient', () => {
  it('uses the connection string when no namespace is configured', async () => {
    const client = createServiceBusClient({
      SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true',
      SERVICEBUS_NAMESPACE: undefined,
    });
    expect(client.fullyQualifiedNamespace).toBe('127.0.0.1');
    await client.close();
  });

  it('uses Entra ID for the namespace when one is configured, ignoring the connection string', async () => {
    const client = createServiceBusClient({
      SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true',
      SERVICEBUS_NAMESPACE: 'comply-prod.servicebus.windows.net',
    });
    expect(client.fullyQualifiedNamespace).toBe('comply-prod.servicebus.windows.net');
    await client.close();
  });
});
