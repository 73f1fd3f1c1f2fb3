import { Controller, Get, Inject, Module, NotFoundException, Query } from '@nestjs/common';
import { type DatabaseClient } from '@comply/persistence';
import { createTestDatabase, TestDatabase, workspaceRoot } from '@comply/testing';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { RunningService, startService } from '../start-service';
import { DATABASE_CLIENT } from '../tokens';

/** Routes that fail the ways real handlers do: the database refusing a value, a clash, a lost race, a bug. */
@Controller('failures')
class FailingController {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: DatabaseClient<Record<string, unknown>>) {}

  @Get('stored-value')
  async storedValue(@Query('value') value: string) {
    await this.database.db.execute(sql`select ${value}::text as echoed`);
    return { ok: true };
  }

  @Get('relation')
  async relation(@Query('name') name: string) {
    await this.database.db.execute(sql`select ${name}::regclass`);
  }

  @Get('raised')
  async raised(@Query('sqlstate') sqlState: string) {
    await this.database.db.execute(sql.raw(`do $$ begin raise exception 'raised on purpose' using errcode = '${sqlState.replace(/[^0-9A-Z]/g, '')}'; end $$`));
  }

  @Get('bug')
  bug(): never {
    throw new TypeError('cannot read properties of undefined (reading "tenant")');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('Record not found');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

describe('the HTTP error policy of every service', () => {
  let database: TestDatabase;
  let service: RunningService;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    database = await createTestDatabase('core');
    service = await startService({
      service: 'core-store',
      module: FailingModule,
      messaging: false,
      env: { ...database.serviceEnv, PORT: '0', LOG_LEVEL: 'info', MIGRATIONS_DIR: join(workspaceRoot(), 'migrations') },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    });
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  beforeEach(() => {
    logLines.length = 0;
  });

  const get = (path: string, requestId = 'req-under-test') => fetch(`${service.url}${path}`, { headers: { 'x-request-id': requestId } });
  const linesAbout = (requestId: string) => logLines.filter((line) => line.reqId === requestId && line.msg !== 'incoming request' && line.msg !== 'request completed');

  it('answers 400 when the database refuses a value (a NUL in a query parameter), without logging it as a failure', async () => {
    const response = await get('/failures/stored-value?value=a%00b', 'req-nul');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'A value cannot be stored (character_not_in_repertoire)',
      issues: [{ path: '', message: 'character_not_in_repertoire' }],
    });
    expect(linesAbout('req-nul')).toEqual([]);
  });

  it('answers 409 for a unique violation', async () => {
    const response = await get('/failures/raised?sqlstate=23505');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ statusCode: 409, error: 'Conflict', message: 'The request conflicts with data already stored' });
  });

  it.each(['40001', '40P01'])('answers 503 with Retry-After for SQLSTATE %s and logs one warning', async (sqlState) => {
    const response = await get(`/failures/raised?sqlstate=${sqlState}`, `req-${sqlState}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(linesAbout(`req-${sqlState}`)).toEqual([expect.objectContaining({ level: 'warn', error: expect.stringMatching(new RegExp(`^SQLSTATE ${sqlState} `)) })]);
  });

  it('answers 500 with only the request id, and logs one line with the request id and the error', async () => {
    const response = await get('/failures/bug', 'req-bug');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: 'req-bug' });
    const lines = linesAbout('req-bug');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'request failed', route: '/failures/bug', err: { type: 'TypeError', message: expect.stringContaining('reading "tenant"') } });
  });

  it('logs an unexpected database error by SQLSTATE, never with the query text, its values or the server message', async () => {
    // PostgreSQL's message quotes the value ("relation \"secret-value\" does not exist"), drizzle's adds the SQL and params.
    const response = await get('/failures/relation?name=secret-value', 'req-secret');
    expect(response.status).toBe(500);
    const [line] = linesAbout('req-secret');
    expect(line).toMatchObject({ level: 'error', err: { type: 'DatabaseError', sqlState: '42P01', message: 'SQLSTATE 42P01 undefined_table' } });
    expect(JSON.stringify(logLines)).not.toMatch(/secret-value|regclass/);
  });

  it('keeps the status and body of exceptions the application throws', async () => {
    const response = await get('/failures/missing');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Record not found' });
  });
});
