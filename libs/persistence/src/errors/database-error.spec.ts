import { classifyError, classOfSqlState, databaseErrorOf, describeDatabaseError } from './database-error';
import { describeError, serializeError } from './error-description';

/** The shape pg gives a server error: message, severity, SQLSTATE and where it happened. */
function postgresError(code: string, fields: Record<string, string> = {}, message = 'server said no: "secret value"'): Error {
  return Object.assign(new Error(message), { severity: 'ERROR', code, detail: 'Key (id)=(secret value) already exists.', ...fields });
}

/** What drizzle throws: the SQL and its bound values in the message, the server's error as cause. */
function queryError(cause?: unknown): Error {
  return Object.assign(new Error('Failed query: insert into t values ($1)\nparams: secret value'), { query: 'insert into t values ($1)', params: ['secret value'], cause });
}

describe('classifyError', () => {
  it.each([
    ['22021', 'invalid-data'],
    ['22P05', 'invalid-data'],
    ['22008', 'invalid-data'],
    ['23502', 'invalid-data'],
    ['23514', 'invalid-data'],
    ['23505', 'conflict'],
    ['23503', 'conflict'],
    ['40001', 'transient'],
    ['40P01', 'transient'],
    ['08006', 'transient'],
    ['53300', 'transient'],
    ['57P01', 'transient'],
    ['57014', 'transient'],
    ['42501', 'unexpected'],
    ['42P01', 'unexpected'],
    ['XX000', 'unexpected'],
  ])('SQLSTATE %s is %s', (code, expected) => {
    expect(classOfSqlState(code)).toBe(expected);
    expect(classifyError(postgresError(code))).toBe(expected);
  });

  it('finds the server error behind drizzle\'s wrapper', () => {
    expect(classifyError(queryError(postgresError('40001')))).toBe('transient');
  });

  it('treats an unreachable or lost database as transient', () => {
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyError(queryError(new Error('Connection terminated unexpectedly')))).toBe('transient');
    expect(classifyError(new Error('timeout exceeded when trying to connect'))).toBe('transient');
  });

  it('calls everything else unexpected, including non-errors', () => {
    expect(classifyError(new TypeError('x is undefined'))).toBe('unexpected');
    expect(classifyError('a string')).toBe('unexpected');
    expect(classifyError(Object.assign(new Error('no severity'), { code: '23505' }))).toBe('unexpected');
  });
});

describe('describing errors safely', () => {
  it('names SQLSTATE, condition, table, column and constraint, never the message or detail', () => {
    const error = queryError(postgresError('23505', { table: 'storage_record_keys', constraint: 'storage_record_keys_pkey' }));
    expect(describeError(error)).toBe('SQLSTATE 23505 unique_violation on storage_record_keys (constraint storage_record_keys_pkey)');
    expect(describeDatabaseError(databaseErrorOf(postgresError('23502', { table: 't', column: 'c' }))!)).toBe('SQLSTATE 23502 not_null_violation on t.c');
    expect(describeError(postgresError('22021'))).toBe('SQLSTATE 22021 character_not_in_repertoire');
    expect(describeError(postgresError('22P99'))).toBe('SQLSTATE 22P99 class 22');
  });

  it('describes a wrapped failure by its cause, not by the query text', () => {
    expect(describeError(queryError(new Error('Connection terminated unexpectedly')))).toBe('query failed: Error: Connection terminated unexpectedly');
    expect(describeError(queryError())).toBe('query failed');
  });

  it('keeps other errors as name and message', () => {
    expect(describeError(new RangeError('too far'))).toBe('RangeError: too far');
    expect(describeError(42)).toBe('42');
  });

  it('serializes database and query errors for logs without values, and others as pino does', () => {
    const logged = JSON.stringify(serializeError(queryError(postgresError('22P02', { table: 't', column: 'id' }))));
    expect(logged).not.toContain('secret value');
    expect(JSON.parse(logged)).toMatchObject({ type: 'DatabaseError', sqlState: '22P02', condition: 'invalid_text_representation', table: 't', column: 'id' });
    expect(JSON.stringify(serializeError(queryError(new Error('boom'))))).not.toContain('secret value');
    expect(serializeError(new Error('plain'))).toMatchObject({ type: 'Error', message: 'plain' });
  });
});
