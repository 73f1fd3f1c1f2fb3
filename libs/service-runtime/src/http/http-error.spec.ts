import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { httpErrorOf } from './http-error';

function postgresError(code: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error('invalid input: "secret"'), { severity: 'ERROR', code, ...fields });
}

function wrappedByDrizzle(cause: Error): Error {
  return Object.assign(new Error('Failed query: select $1\nparams: secret'), { query: 'select $1', params: ['secret'], cause });
}

describe('httpErrorOf', () => {
  it('keeps an HttpException\'s status and body', () => {
    const invalid = new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Invalid mapping: requestId', issues: [{ path: 'requestId', message: 'x' }] });
    expect(httpErrorOf(invalid, 'r1')).toEqual({ status: 400, headers: {}, unexpected: false, body: invalid.getResponse() });
    expect(httpErrorOf(new NotFoundException('Record not found'), 'r1').body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Record not found' });
    expect(httpErrorOf(new HttpException('plain text', 418), 'r1').body).toEqual({ statusCode: 418, error: "I'm a Teapot", message: 'plain text' });
    expect(httpErrorOf(new ServiceUnavailableException(), 'r1').unexpected).toBe(true);
  });

  it('answers 400 naming the column for data the database refuses, without the value', () => {
    const error = httpErrorOf(wrappedByDrizzle(postgresError('22P02', { table: 'tenants', column: 'id' })), 'r1');
    expect(error).toEqual({
      status: 400,
      headers: {},
      unexpected: false,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'A value cannot be stored in id (invalid_text_representation)',
        issues: [{ path: 'id', message: 'invalid_text_representation' }],
      },
    });
    expect(httpErrorOf(postgresError('22021'), 'r1').body.message).toBe('A value cannot be stored (character_not_in_repertoire)');
  });

  it('answers 409 for a unique violation', () => {
    expect(httpErrorOf(wrappedByDrizzle(postgresError('23505', { constraint: 'tenants_pkey' })), 'r1')).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'Conflict' },
    });
  });

  it.each(['40001', '40P01', '57P01'])('answers 503 with Retry-After for SQLSTATE %s', (code) => {
    expect(httpErrorOf(postgresError(code), 'r1')).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, unexpected: false });
  });

  it('answers 503 when the database cannot be reached', () => {
    expect(httpErrorOf(new Error('timeout exceeded when trying to connect'), 'r1').status).toBe(503);
  });

  it('answers 500 with only the request id for anything else', () => {
    const error = httpErrorOf(new TypeError('cannot read properties of undefined'), 'req-42');
    expect(error).toEqual({
      status: 500,
      headers: {},
      unexpected: true,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: 'req-42' },
    });
  });
});
