/*
 * Stripe, as a webhook sender in a process of its own (producer-process.ts): reads signed events
 * from a file (JSON, [{ body, signature }]) and, once told to, POSTs each to billing's
 * /webhooks/stripe with CLIENTS requests in flight over keep-alive connections. Every answer must
 * be 200 with duplicate: false: verified and stored, not taken for a redelivery.
 * Started by billing.bench.ts: stripe-webhook-sender.ts <url> <file> <clients>
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { runProducer } from './producer-process';

export interface SignedStripeEvent {
  body: string;
  signature: string;
}

function post(agent: Agent, endpoint: URL, event: SignedStripeEvent): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(event.body), 'stripe-signature': event.signature };
    const outgoing = request(endpoint, { method: 'POST', agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode === 200 && (JSON.parse(text) as { duplicate?: unknown }).duplicate === false) resolve();
        else reject(new Error(`POST ${endpoint.pathname} answered ${response.statusCode}: ${text}`));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(event.body);
  });
}

runProducer(async () => {
  const [url, file, clients] = process.argv.slice(2);
  const events = JSON.parse(readFileSync(file, 'utf8')) as SignedStripeEvent[];
  const endpoint = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number(clients) });
  return {
    async send() {
      let next = 0;
      await Promise.all(
        Array.from({ length: Number(clients) }, async () => {
          while (next < events.length) await post(agent, endpoint, events[next++]);
        }),
      );
    },
    close: async () => agent.destroy(),
  };
});
