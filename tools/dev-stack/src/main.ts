import { ConfigError, loadConfig, platformSettings } from '@comply/config';
import { startDevStack } from './dev-stack';
import { statusTable } from './status-table';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `npm start`: the whole platform on this machine; Ctrl-C stops everything it started. */
async function main(): Promise<void> {
  const config = loadConfig(platformSettings);
  const stack = await startDevStack({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPgPort: config.EMBEDDED_PG_PORT,
    serviceBusConnectionString: config.SERVICEBUS_CONNECTION_STRING,
    serviceBusEmulatorPort: config.SERVICEBUS_EMULATOR_PORT,
    blobConnectionString: config.BLOB_CONNECTION_STRING,
    blobAccountUrl: config.BLOB_ACCOUNT_URL,
    azuriteBlobPort: config.AZURITE_BLOB_PORT,
    servicePortBase: config.SERVICE_PORT_BASE,
    env: process.env,
    log: say,
  });
  say(`\n${statusTable(stack, process.cwd())}\n`);
  if (stack.serviceBus.printableConnectionString) {
    say(`the Service Bus emulator:\n  SERVICEBUS_CONNECTION_STRING=${stack.serviceBus.printableConnectionString}`);
  }
  if (stack.blobStorage.printableConnectionString) {
    say(`Azurite (its published development account; the services got it):\n  BLOB_CONNECTION_STRING=${stack.blobStorage.printableConnectionString}`);
  }
  if (stack.adminToken.file) {
    say(`admin token of every service's operator API (kept in ${stack.adminToken.file}; set ADMIN_TOKEN to choose your own):`);
    say(`  ADMIN_TOKEN=${stack.adminToken.token}`);
  }
  if (stack.stripeWebhookSecret.file) {
    say(`billing's Stripe webhook signing secret (kept in ${stack.stripeWebhookSecret.file}; \`npm run stripe:send\` signs with it; set STRIPE_WEBHOOK_SECRETS to use your own):`);
    say(`  STRIPE_WEBHOOK_SECRETS=${stack.stripeWebhookSecret.secrets}`);
  }
  say('All services ready. Ctrl-C stops everything.');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    stopping = true;
    say(`\n${signal}: stopping services and infrastructure...`);
    stack.stop().then(
      () => {
        say('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // A service that dies after start is reported; the rest keep running.
  for (const service of stack.services) {
    void service.exited.then((code) => {
      if (!stopping) {
        process.stderr.write(`${service.service.name} exited with code ${code} (log: ${service.logFile})\n`);
      }
    });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
});
