import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { currentRequestContext } from './request-context';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * NestJS's logger interface on top of pino: framework and application lines come out as the same
 * JSON, and lines written while serving a request carry its `reqId` like Fastify's own lines.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]) {
    // Nest passes the context (class name) last, and for errors a stack before it.
    const source = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' && params[0].includes('\n    at ') ? (params.shift() as string) : undefined;
    const fields: Record<string, unknown> = {};
    const context = currentRequestContext();
    if (context) fields.reqId = context.requestId;
    if (context?.correlationId) fields.correlationId = context.correlationId;
    if (source) fields.context = source;
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
