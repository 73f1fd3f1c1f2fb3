import { AmqpServer } from './amqp/amqp-server';
import { Clock, systemClock } from './broker/clock';
import { EntityStore } from './broker/entity-store';
import { inMemoryJournal } from './broker/state-journal';
import { liveStateRecords } from './storage/log-compaction';
import { restoreFromLog } from './storage/log-replay';
import { MessageLog } from './storage/message-log';
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
  /**
   * A directory for durable storage: messages survive a restart on the same directory, and sends
   * and settlements are acknowledged only once on disk. Unset: memory only.
   */
  dataDir?: string;
  /** With `dataDir`: compact the log once it exceeds this size and twice its last rewrite. Default 16 MiB. */
  compactLogAboveBytes?: number;
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
  /** With `dataDir`: rewrites the log from the live state now; resolves once the new log is durable. */
  compactStorage(): Promise<void>;
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
  const log = options.dataDir ? await MessageLog.open(options.dataDir, { compactAboveBytes: options.compactLogAboveBytes }) : undefined;
  const store = new EntityStore(topology, clock, log ?? inMemoryJournal);
  if (log) {
    restoreFromLog(store, log.recovered);
    await log.start(() => liveStateRecords(store));
  }
  const server = new AmqpServer(store, clock, log ?? inMemoryJournal);
  const port = await server.listen(options.port ?? DEFAULT_EMULATOR_PORT, host).catch(async (error: unknown) => {
    await log?.close();
    store.dispose();
    throw error;
  });
  let stopped: Promise<void> | undefined;
  return {
    connectionString: emulatorConnectionString(host, port),
    port,
    pendingSessionAccepts: (entityPath) => store.receiveSource(entityPath).sessions.waiterCount,
    compactStorage: () => (log ? log.compact() : Promise.reject(new Error('The emulator was started without a dataDir.'))),
    stop: () => {
      stopped ??= server
        .close()
        .then(() => log?.close())
        .finally(() => store.dispose());
      return stopped;
    },
  };
}
