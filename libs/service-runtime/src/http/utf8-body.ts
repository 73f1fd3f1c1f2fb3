import { isUtf8 } from 'node:buffer';
import { BadRequestException, type RawBodyRequest } from '@nestjs/common';
import type { ErrorResponse } from '@comply/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const INVALID_UTF8_BODY: ErrorResponse = { statusCode: 400, error: 'Bad Request', message: 'Body is not valid UTF-8' };

/**
 * Answers 400 to a body whose bytes are not UTF-8. Fastify's parsers decode leniently, each bad
 * sequence becoming U+FFFD, which a handler would then store as if the caller had sent it. The
 * check reads the bytes Nest keeps as `rawBody` (JSON and form bodies, with `rawBody: true`) once
 * they are parsed and before any guard or handler, so Fastify's own refusals come first and are
 * unchanged: 413 past the body limit, an empty JSON body, text that is not JSON, a `__proto__` or
 * `constructor.prototype` key.
 */
export function refuseInvalidUtf8Bodies(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: RawBodyRequest<FastifyRequest>) => {
    if (request.rawBody && !isUtf8(request.rawBody)) throw new BadRequestException(INVALID_UTF8_BODY);
  });
}
