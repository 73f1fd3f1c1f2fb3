import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { errorResponse } from '@comply/contracts';
import { createTestDatabase, TestDatabase, workspaceRoot } from '@comply/testing';
import { RunningService, startService } from '../start-service';

const BODY_LIMIT = 1024;
const received: unknown[] = [];

@Controller('echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown) {
    received.push(body);
    return { body };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** `{"name":"<bytes>a1"}`: the bytes inside a JSON string, as a client that does not encode its text would send them. */
const nameWith = (bytes: number[]) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('a1"}')]);

describe('request bodies that are not UTF-8', () => {
  let database: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase('core');
    service = await startService({
      service: 'core-store',
      module: EchoModule,
      messaging: false,
      bodyLimit: () => BODY_LIMIT,
      env: { ...database.serviceEnv, PORT: '0', LOG_LEVEL: 'silent', MIGRATIONS_DIR: join(workspaceRoot(), 'migrations') },
    });
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  /** Sends the bytes as they are (node:http, which also reads an answer sent before the body was read). */
  function post(body: Buffer, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
    const url = new URL(`${service.url}/echo`);
    return new Promise((resolve, reject) => {
      const sent = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        },
      );
      sent.on('error', reject);
      sent.end(body);
    });
  }

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (U+D800)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a byte UTF-8 never uses', [0xff]],
  ])('answers 400 in the error shape for %s in a JSON string, before the handler', async (_name, bytes) => {
    const answer = await post(nameWith(bytes));
    expect(answer).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Body is not valid UTF-8' } });
    expect(errorResponse.safeParse(answer.body).success).toBe(true);
    expect(received).toEqual([]);
  });

  it('answers 400 to a form body that is not UTF-8', async () => {
    const answer = await post(Buffer.concat([Buffer.from('name='), Buffer.from([0xed, 0xa0, 0x80])]), 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('parses UTF-8 as before: multibyte characters, escapes, a leading byte order mark, a charset parameter', async () => {
    const text = '{"name":"é € 漢 😀","nul":"a\\u0000b","lone":"\\ud800","quote":"\\""}';
    expect(await post(Buffer.from(text))).toEqual({ status: 200, body: { body: { name: 'é € 漢 😀', nul: 'a\u0000b', lone: '\ud800', quote: '"' } } });
    expect(await post(Buffer.from(`\ufeff${text}`), 'application/json; charset=utf-8')).toEqual({ status: 200, body: { body: JSON.parse(text) } });
    expect(received).toHaveLength(2);
  });

  it('keeps Fastify’s refusals of a prototype key, text that is not JSON and an empty body', async () => {
    const notJson = { status: 400, body: { statusCode: 400, error: 'Bad Request', message: "Body is not valid JSON but content-type is set to 'application/json'" } };
    expect(await post(Buffer.from('{"__proto__":{"polluted":true}}'))).toEqual(notJson);
    expect(await post(Buffer.from('{"constructor":{"prototype":{"polluted":true}}}'))).toEqual(notJson);
    expect(await post(Buffer.from('{"name":'))).toEqual(notJson);
    expect(await post(Buffer.alloc(0))).toEqual({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: "Body cannot be empty when content-type is set to 'application/json'" } });
    expect(received).toEqual([]);
  });

  it('answers 413 past the body limit, whatever its bytes', async () => {
    const tooLarge = { status: 413, body: { statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' } };
    expect(await post(nameWith(Array.from({ length: BODY_LIMIT }, () => 0x61)))).toEqual(tooLarge);
    expect(await post(nameWith(Array.from({ length: BODY_LIMIT }, () => 0x80)))).toEqual(tooLarge);
    expect(received).toEqual([]);
  });
});
