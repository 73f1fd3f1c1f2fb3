import type { FastifyRequest } from 'fastify';

/**
 * How Fastify's request lines show a request: its path without the query string, which may carry
 * a tenant's search terms or other data that has no place in logs.
 */
export function requestLogFields(value: unknown): unknown {
  const request = value as FastifyRequest;
  if (typeof request?.url !== 'string') return value;
  return {
    method: request.method,
    url: request.url.split('?', 1)[0],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
