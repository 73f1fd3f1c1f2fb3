import { AmqpServer } from './amqp/amqp-server';
import { Clock, systemClock } from './broker/clock';
import { EntityStore } from './broker/entity-store';
import { EmulatorTopology, loadTopologyFile } from './topology';

export interface StartEmulatorOptions {
  /** TCP port; 0 picks a free one. Default 5673 (5672 is usually RabbitMQ's). */
  port?: number;
  /** Interface to bind; loopback unless set. */
  host?: string;
  /** The entities to create: an object, or the path of a JSON file. */
  topology: EmulatorTopology | string;
  /**
   * The time that locks, TTL, scheduled messages, duplicate detection and session waits follow.
   * Default: the system clock. Tests pass a `ManualClock` to move time without waiting.
   */
  clock?: Clock;
}

export interface RunningEmulator {
  /** A connection string the unmodified `@azure/service-bus` SDK accepts. */
  readonly connectionString: string;
  readonly port: number;
  /**
   * How many acceptNextSession calls wait for a session with messages on the queue or
   * subscription at `entityPath`; lets a test send only once such a call has reached the broker.
   */
  pendingSessionAccepts(entityPath: string): number;
  stop(): Promise<void>;
}

export const DEFAULT_EMULATOR_PORT = 5673;

export function emulatorConnectionString(host: string, port: number): string {
  const endpointHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `Endpoint=sb://${endpointHost}:${port};SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true`;
}

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const topology = typeof options.topology === 'string' ? loadTopologyFile(options.topology) : options.topology;
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const store = new EntityStore(topology, clock);
  const server = new AmqpServer(store, clock);
  const port = await server.listen(options.port ?? DEFAULT_EMULATOR_PORT, host);
  let stopped: Promise<void> | undefined;
  return {
    connectionString: emulatorConnectionString(host, port),
    port,
    pendingSessionAccepts: (entityPath) => store.receiveSource(entityPath).sessions.waiterCount,
    stop: () => {
      stopped ??= server.close().finally(() => store.dispose());
      return stopped;
    },
  };
}
