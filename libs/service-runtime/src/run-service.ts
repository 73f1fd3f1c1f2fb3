import { ConfigError, SettingsSpec } from '@comply/config';
import { CommonServiceConfig } from './service-config';
import { RunningService, startService, StartServiceOptions } from './start-service';

/**
 * Entry point of a service process: start, then on SIGTERM/SIGINT shut down gracefully within
 * SHUTDOWN_TIMEOUT_MS, exiting 1 if in-flight work does not finish in time. A configuration
 * problem stops the process before anything opens, with every offending variable named.
 */
export async function runService<E extends SettingsSpec>(options: StartServiceOptions<E>): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.service}: ${error.message}\n`);
    } else {
      process.stderr.write(`${options.service}: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.exit(1);
  }
  const { logger } = running.runtime;
  const config: CommonServiceConfig = running.runtime.config;
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting with work unfinished');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    running.close().then(
      () => {
        clearTimeout(timer);
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
