import { parseArgs } from 'node:util';
import { DEFAULT_EMULATOR_PORT, startEmulator } from './start-emulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_EMULATOR_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      topology: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (!values.topology) {
    process.stderr.write('Usage: cli.ts --topology <file.json> [--port 5673] [--host 127.0.0.1] [--data-dir <dir>]\n');
    process.exit(2);
  }
  const dataDir = values['data-dir'];
  const emulator = await startEmulator({ port: Number(values.port), host: values.host, topology: values.topology, dataDir });
  const storage = dataDir ? `durable, ${dataDir}` : 'in memory';
  process.stdout.write(`Service Bus emulator listening on ${values.host}:${emulator.port} (${storage})\n${emulator.connectionString}\n`);
  const shutdown = () => {
    emulator.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
