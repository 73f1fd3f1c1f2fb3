import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { ErrorResponse } from '@comply/contracts';
import { classifyError, databaseErrorOf } from '@comply/persistence';

/** Seconds a client should wait after a 503 for a transient failure. */
export const TRANSIENT_RETRY_AFTER_SECONDS = 1;

export interface HttpError {
  status: number;
  body: ErrorResponse;
  headers: Record<string, string>;
  /** Whether the failure is ours (a bug, most likely) rather than the caller's or a passing one. */
  unexpected: boolean;
}

/**
 * The platform's one HTTP error policy. HttpExceptions keep their status and body; database
 * failures are classified (libs/persistence) so that data the database refuses is the caller's
 * 400, a clash with stored data a 409, a serialization failure, deadlock or lost connection a
 * 503 with Retry-After, and anything else a 500 whose body carries only the request id.
 */
export function httpErrorOf(exception: unknown, requestId: string): HttpError {
  if (exception instanceof HttpException) return fromHttpException(exception);
  switch (classifyError(exception)) {
    case 'invalid-data': {
      const info = databaseErrorOf(exception);
      const field = info?.column ?? '';
      return {
        status: 400,
        headers: {},
        unexpected: false,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: `A value cannot be stored${field ? ` in ${field}` : ''} (${info?.condition ?? 'invalid data'})`,
          issues: [{ path: field, message: info?.condition ?? 'invalid data' }],
        },
      };
    }
    case 'conflict':
      return {
        status: 409,
        headers: {},
        unexpected: false,
        body: { statusCode: 409, error: 'Conflict', message: 'The request conflicts with data already stored' },
      };
    case 'transient':
      return {
        status: 503,
        headers: { 'retry-after': String(TRANSIENT_RETRY_AFTER_SECONDS) },
        unexpected: false,
        body: { statusCode: 503, error: 'Service Unavailable', message: 'A temporary failure; retry the request' },
      };
    default:
      return {
        status: 500,
        headers: {},
        unexpected: true,
        body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId },
      };
  }
}

function fromHttpException(exception: HttpException): HttpError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const body =
    typeof response === 'object' && response !== null
      ? (response as ErrorResponse)
      : { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: String(response) };
  return { status, body, headers: {}, unexpected: status >= 500 };
}
