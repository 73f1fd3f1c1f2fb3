import { randomUUID } from 'node:crypto';
import { runWithRequestContext, ServiceMetrics } from '@comply/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a caller's request id when it looks sane, so one id follows a call across services. */
export function requestIdFor(request: { headers: Record<string, unknown> }): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

function routeOf(request: FastifyRequest): string {
  // The route template keeps label cardinality bounded; unmatched URLs share one label.
  return request.routeOptions.url ?? 'unmatched';
}

/**
 * Request context for log lines and audit events, the request id echoed in the response, and the request
 * duration histogram, for every route including health and metrics. While the service shuts down,
 * responses close their connection: a keep-alive socket would otherwise hold the shutdown open.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: ServiceMetrics, isClosing: () => boolean, service?: string): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const userAgent = request.headers['user-agent'];
    runWithRequestContext({ requestId: request.id, service, clientIp: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined }, done);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (isClosing()) reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration
      .labels(request.method, routeOf(request), String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
}
