import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns every error into `{ status: 'error', message: 'Internal server
 * error' }`; the consumer needs the original error (its text for retries and dead-letter
 * descriptions, and whether it is a PermanentError).
 */
@Catch()
export class ExceptionPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
