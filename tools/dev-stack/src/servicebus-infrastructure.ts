import { parseServiceBusConnectionString } from '@azure/service-bus';
import { join } from 'node:path';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { isPortOpen } from '@comply/local-infra';
import { emulatorTopology, startEmulator } from '@comply/servicebus-emulator';

export interface ServiceBusForStack {
  /** What the services get as SERVICEBUS_CONNECTION_STRING. */
  connectionString: string;
  /** The emulator's connection string, which holds no secret and may be printed; undefined for a configured one. */
  printableConnectionString: string | undefined;
  /** "emulator 127.0.0.1:5673 (durable, .data/servicebus, 6 topics)" or "SERVICEBUS_CONNECTION_STRING <endpoint host>", never the key. */
  description: string;
  stop(): Promise<void>;
}

function endpointHost(connectionString: string): string {
  try {
    return parseServiceBusConnectionString(connectionString).fullyQualifiedNamespace;
  } catch (error) {
    // The parser's messages never echo the string, so the key stays out of the error.
    throw new Error(`SERVICEBUS_CONNECTION_STRING is not a Service Bus connection string: ${(error as Error).message}`);
  }
}

/**
 * The Service Bus namespace the stack runs on: SERVICEBUS_CONNECTION_STRING when set (nothing is
 * started), otherwise the emulator on loopback with the platform topology, keeping its messages
 * under `<dataDir>/servicebus` so that they survive a restart of `npm start`, as on Azure.
 */
export async function provideServiceBus(options: {
  connectionString: string | undefined;
  emulatorPort: number;
  /** `npm start`'s DATA_DIR. */
  dataDir: string;
}): Promise<ServiceBusForStack> {
  if (options.connectionString) {
    return {
      connectionString: options.connectionString,
      printableConnectionString: undefined,
      description: `SERVICEBUS_CONNECTION_STRING ${endpointHost(options.connectionString)}`,
      stop: async () => undefined,
    };
  }
  if (await isPortOpen('127.0.0.1', options.emulatorPort)) {
    throw new Error(
      `Port ${options.emulatorPort} for the Service Bus emulator is taken (is another \`npm start\` running?). Stop it or set SERVICEBUS_EMULATOR_PORT.`,
    );
  }
  const dataDir = join(options.dataDir, 'servicebus');
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: options.emulatorPort,
    topology: emulatorTopology(PLATFORM_TOPOLOGY),
    dataDir,
  });
  return {
    connectionString: emulator.connectionString,
    printableConnectionString: emulator.connectionString,
    description: `emulator 127.0.0.1:${emulator.port} (durable, ${dataDir}, ${PLATFORM_TOPOLOGY.length} topics)`,
    stop: () => emulator.stop(),
  };
}
