import { stdSerializers } from 'pino';
import { causeChain, databaseErrorOf, describeDatabaseError } from './database-error';

/**
 * drizzle wraps a failed query in an error whose message is the SQL text plus its bound values,
 * and a PostgreSQL error's message and detail may quote the offending value: neither may reach a
 * log line or a dead-letter description, where record content must never appear.
 */
function isQueryError(value: unknown): boolean {
  return value instanceof Error && 'query' in value && 'params' in value;
}

/** One line about an error, safe for logs and dead-letter descriptions. */
export function describeError(error: unknown): string {
  const database = databaseErrorOf(error);
  if (database) return describeDatabaseError(database);
  const chain = causeChain(error);
  const wrapped = chain.findIndex(isQueryError);
  if (wrapped >= 0) {
    const cause = chain[wrapped + 1];
    return cause === undefined ? 'query failed' : `query failed: ${describeError(cause)}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * pino's `err` serializer for services: database and query errors become their safe description
 * and stack frames; any other error is serialized as pino does by default.
 */
export function serializeError(error: unknown): unknown {
  const database = databaseErrorOf(error);
  if (database) return { type: 'DatabaseError', message: describeDatabaseError(database), ...database, stack: stackFramesOf(error) };
  if (causeChain(error).some(isQueryError)) return { type: (error as Error).name, message: describeError(error), stack: stackFramesOf(error) };
  return error instanceof Error ? stdSerializers.err(error) : error;
}

/** The `at …` lines only: the first lines of a stack repeat the message. */
function stackFramesOf(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  return stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
