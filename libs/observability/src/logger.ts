import pino, { Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Fields that may carry credentials; pino replaces their values before a line is written. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'DB_PASSWORD',
  '*.DB_PASSWORD',
  'DATABASE_URL',
  '*.DATABASE_URL',
  'connectionString',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
];

export interface LoggerSettings {
  service: string;
  level: string;
  /** Defaults to stdout; tests pass a stream to read what was written. */
  destination?: pino.DestinationStream;
  /** How fields such as `err` and `req` are written (services pass ones that keep values and record content out of logs). */
  serializers?: Record<string, (value: unknown) => unknown>;
}

/** JSON lines with the service name on every line, ISO timestamps and secrets redacted. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: settings.serializers,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
