/**
 * What a failed database call means for the caller, decided once for HTTP and the bus alike:
 * - `invalid-data`: the value itself cannot be stored (SQLSTATE class 22, a NOT NULL or CHECK
 *   constraint): answering 400 or dead-lettering is right, a retry can never succeed;
 * - `conflict`: the value clashes with what is stored (unique, foreign-key, exclusion): 409;
 * - `transient`: the same call may well succeed later (serialization failure, deadlock, lost or
 *   refused connection, shutdown, statement timeout): 503 with Retry-After, or a retry;
 * - `unexpected`: anything else, most likely a bug: 500, or retries until the message is dead-lettered.
 */
export type ErrorClass = 'invalid-data' | 'conflict' | 'transient' | 'unexpected';

/** The parts of a PostgreSQL error that are safe to log: never the message, detail or bound values, which may hold data. */
export interface DatabaseErrorInfo {
  sqlState: string;
  condition: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** Condition names (PostgreSQL docs, Appendix A) of the SQLSTATEs the platform meets; others show their class. */
const CONDITIONS: Record<string, string> = {
  '08000': 'connection_exception',
  '08003': 'connection_does_not_exist',
  '08006': 'connection_failure',
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22012': 'division_by_zero',
  '22021': 'character_not_in_repertoire',
  '22023': 'invalid_parameter_value',
  '22P02': 'invalid_text_representation',
  '22P05': 'untranslatable_character',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation',
  '23505': 'unique_violation',
  '23514': 'check_violation',
  '23P01': 'exclusion_violation',
  '25P02': 'in_failed_sql_transaction',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '42501': 'insufficient_privilege',
  '42P01': 'undefined_table',
  '53300': 'too_many_connections',
  '55P03': 'lock_not_available',
  '57014': 'query_canceled',
  '57P01': 'admin_shutdown',
  '57P02': 'crash_shutdown',
  '57P03': 'cannot_connect_now',
};

const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03']);
const TRANSIENT_CLASSES = new Set(['08', '53']);
const INVALID_DATA_STATES = new Set(['23502', '23514']);

/** Node socket errors and pg's own connection failures: the database was not reachable. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_ERROR_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
];

const MAX_CAUSE_DEPTH = 5;

/** The PostgreSQL error behind `error` (drizzle wraps it as the cause of its own), or undefined. */
export function databaseErrorOf(error: unknown): DatabaseErrorInfo | undefined {
  const found = causeChain(error).find(isPostgresError);
  if (!found) return undefined;
  return {
    sqlState: found.code,
    condition: CONDITIONS[found.code] ?? `class ${found.code.slice(0, 2)}`,
    table: found.table,
    column: found.column,
    constraint: found.constraint,
  };
}

export function isConnectionError(error: unknown): boolean {
  return causeChain(error).some((item) => {
    if (!(item instanceof Error)) return false;
    const code = (item as { code?: unknown }).code;
    return (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) || CONNECTION_ERROR_MESSAGES.some((text) => item.message.includes(text));
  });
}

export function classifyError(error: unknown): ErrorClass {
  const database = databaseErrorOf(error);
  if (database) return classOfSqlState(database.sqlState);
  return isConnectionError(error) ? 'transient' : 'unexpected';
}

export function classOfSqlState(sqlState: string): ErrorClass {
  const sqlClass = sqlState.slice(0, 2);
  if (sqlClass === '22' || INVALID_DATA_STATES.has(sqlState)) return 'invalid-data';
  if (sqlClass === '23') return 'conflict';
  if (TRANSIENT_STATES.has(sqlState) || TRANSIENT_CLASSES.has(sqlClass)) return 'transient';
  return 'unexpected';
}

/** `SQLSTATE 22021 character_not_in_repertoire on storage_records.request_id`: what logs and dead-letter reasons may say. */
export function describeDatabaseError(info: DatabaseErrorInfo): string {
  const where = info.table ? ` on ${info.table}${info.column ? `.${info.column}` : ''}` : info.column ? ` on column ${info.column}` : '';
  const constraint = info.constraint ? ` (constraint ${info.constraint})` : '';
  return `SQLSTATE ${info.sqlState} ${info.condition}${where}${constraint}`;
}

interface PostgresError extends Error {
  code: string;
  table?: string;
  column?: string;
  constraint?: string;
}

function isPostgresError(value: unknown): value is PostgresError {
  if (!(value instanceof Error)) return false;
  const { code, severity } = value as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** `error`, its cause, the cause's cause…, bounded so a cyclic chain ends. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < MAX_CAUSE_DEPTH; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
    if (typeof current !== 'object') break;
  }
  return chain;
}
