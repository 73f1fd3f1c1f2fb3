/*
 * HTTP clients in a process of their own (producer-process.ts), as clients are: reads prepared
 * requests from a file (JSON, HttpSenderRequest[]) and, once told to, POSTs each to URL with
 * CLIENTS requests in flight over keep-alive connections. Every answer must have the status its
 * request expects and, where the request names some, those top-level JSON fields with those values.
 * Started by startHttpSender: http-sender.ts <url> <file> <clients>
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { runProducer } from './producer-process';

export interface HttpSenderRequest {
  body: string;
  headers: Record<string, string>;
  expect: { status: number; fields?: Record<string, unknown> };
}

function answeredAsExpected(status: number | undefined, text: string, expect: HttpSenderRequest['expect']): boolean {
  if (status !== expect.status) return false;
  if (!expect.fields) return true;
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  return Object.entries(expect.fields).every(([field, value]) => isDeepStrictEqual(answer?.[field], value));
}

function post(agent: Agent, endpoint: URL, prepared: HttpSenderRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...prepared.headers, 'content-length': Buffer.byteLength(prepared.body) };
    const outgoing = request(endpoint, { method: 'POST', agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (answeredAsExpected(response.statusCode, text, prepared.expect)) resolve();
        else reject(new Error(`POST ${endpoint.pathname} answered ${response.statusCode}: ${text.slice(0, 2_000)}`));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(prepared.body);
  });
}

runProducer(async () => {
  const [url, file, clients] = process.argv.slice(2);
  const requests = JSON.parse(readFileSync(file, 'utf8')) as HttpSenderRequest[];
  const endpoint = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number(clients) });
  return {
    async send() {
      let next = 0;
      await Promise.all(
        Array.from({ length: Number(clients) }, async () => {
          while (next < requests.length) await post(agent, endpoint, requests[next++]);
        }),
      );
    },
    close: async () => agent.destroy(),
  };
});
