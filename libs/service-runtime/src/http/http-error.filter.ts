import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { describeError, serializeError } from '@comply/persistence';
import type { Logger } from '@comply/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpErrorOf } from './http-error';

/**
 * Global HTTP exception filter applying `httpErrorOf`. An unexpected failure is logged once, with
 * the request id and a description that never carries query values or record content; a
 * transient one is logged as a warning, the caller's own mistakes not at all.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = httpErrorOf(exception, request.id);
    if (error.unexpected) {
      this.logger.error({ reqId: request.id, method: request.method, route: request.routeOptions.url, err: serializeError(exception) }, 'request failed');
    } else if (error.status === 503) {
      this.logger.warn({ reqId: request.id, error: describeError(exception) }, 'request failed transiently');
    }
    void reply.status(error.status).headers(error.headers).send(error.body);
  }
}
