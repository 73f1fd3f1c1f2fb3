import { randomUUID } from 'node:crypto';
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import { topicOf, type MappingSubmissionV1 } from '@comply/contracts';
import type { LoadTenant } from './fault-platform';

/** What one channel of the load did, per request id (unique over the run). */
export interface ChannelTally {
  /** Accepted: the broker acknowledged the send, or core-store answered 202. */
  published: Map<string, string>;
  /** When each request id was first sent (ms since the epoch): where its latency starts. */
  sentAt: Map<string, number>;
  /** Sent at least once but never acknowledged before the load gave up: stored or not, either is right. */
  unconfirmed: Map<string, string>;
  /** Answers that are neither success nor a fault's (4xx), with their bodies: each one is a finding. */
  refused: string[];
  /** Sends or requests that failed and were retried with the same ids. */
  retries: number;
}

export interface LoadOptions {
  tenants: LoadTenant[];
  busRatePerSecond: number;
  httpRatePerSecond: number;
  /** After the load stops, how long an unacknowledged event is still retried. */
  settleMs: number;
}

export interface RunningLoad {
  bus: ChannelTally;
  http: ChannelTally;
  /** Stops producing, retries what is unacknowledged for at most `settleMs`, and closes. */
  stop(): Promise<void>;
}

const TICK_MS = 100;
const RETRY_PAUSE_MS = 500;
const MAX_HTTP_IN_FLIGHT = 64;

function tally(): ChannelTally {
  return { published: new Map(), sentAt: new Map(), unconfirmed: new Map(), refused: [], retries: 0 };
}

/** A mapping as the mapper service submits it; `requestId` is core-store's idempotency key. */
function submission(requestId: string): MappingSubmissionV1 {
  return {
    requestId,
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    sourceData: { text: 'Reach me at jane.doe@example.com' },
    taxonomy: ['PII.Contact.Email'],
    scores: { 'PII.Contact.Email': 0.97 },
    confidence: 0.97,
    modelVersion: 'mapper-2026.11',
    latencyMs: 6,
    occurredAt: new Date().toISOString(),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Mapping events at a steady rate, round robin over the tenants: `mapping.result.v1` on the bus and
 * `POST /v1/mappings` to core-store. A send or request that fails (a broker or core-store killed, a
 * 503) is retried with the same message id and request id until it is acknowledged, as a producer
 * should: the broker's duplicate detection and core-store's request-id ledger must absorb it.
 */
export function startLoad(connectionString: string, coreStoreUrl: string, options: LoadOptions): RunningLoad {
  const bus = tally();
  const http = tally();
  let producing = true;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
  let sender: ServiceBusSender = client.createSender(topicOf('mapping.result.v1'));
  let sequence = 0;
  const nextTenant = () => options.tenants[sequence++ % options.tenants.length];

  const deliverBus = async (messages: ServiceBusMessage[]) => {
    const ids = messages.map((message) => [String((message.body as MappingSubmissionV1).requestId), String(message.applicationProperties?.tenantId)] as const);
    const sentAt = Date.now();
    for (const [requestId] of ids) bus.sentAt.set(requestId, sentAt);
    for (;;) {
      try {
        await sender.sendMessages(messages);
        for (const [requestId, tenantId] of ids) bus.published.set(requestId, tenantId);
        return;
      } catch {
        bus.retries++;
        if (Date.now() > giveUpAt) {
          for (const [requestId, tenantId] of ids) bus.unconfirmed.set(requestId, tenantId);
          return;
        }
        // A link the broker's death left broken is replaced rather than retried.
        const broken = sender;
        sender = client.createSender(topicOf('mapping.result.v1'));
        void broken.close().catch(() => undefined);
        await pause(RETRY_PAUSE_MS);
      }
    }
  };

  const deliverHttp = async (tenant: LoadTenant, body: MappingSubmissionV1) => {
    http.sentAt.set(body.requestId, Date.now());
    for (;;) {
      let outcome: 'published' | 'retry' | string;
      try {
        const response = await fetch(`${coreStoreUrl}/v1/mappings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        outcome = response.status === 202 ? 'published' : response.status >= 500 ? 'retry' : `${response.status} ${text}`;
      } catch {
        outcome = 'retry';
      }
      if (outcome === 'published') {
        http.published.set(body.requestId, tenant.id);
        return;
      }
      if (outcome !== 'retry') {
        http.refused.push(`${body.requestId} (${tenant.id}): ${outcome}`);
        return;
      }
      http.retries++;
      if (Date.now() > giveUpAt) {
        http.unconfirmed.set(body.requestId, tenant.id);
        return;
      }
      await pause(RETRY_PAUSE_MS);
    }
  };

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const produce = async () => {
    const started = Date.now();
    let busSent = 0;
    let httpSent = 0;
    while (producing) {
      const elapsedSeconds = (Date.now() - started) / 1000;
      const busDue = Math.floor(elapsedSeconds * options.busRatePerSecond) - busSent;
      if (busDue > 0) {
        const messages = Array.from({ length: busDue }, (): ServiceBusMessage => {
          const tenant = nextTenant();
          return {
            messageId: randomUUID(),
            subject: 'mapping.result.v1',
            contentType: 'application/json',
            applicationProperties: { tenantId: tenant.id },
            body: { tenantId: tenant.id, ...submission(`bus-${randomUUID()}`) },
          };
        });
        busSent += busDue;
        track(deliverBus(messages));
      }
      const httpDue = Math.floor(elapsedSeconds * options.httpRatePerSecond) - httpSent;
      for (let i = 0; i < httpDue && inFlight.size < MAX_HTTP_IN_FLIGHT; i++) {
        httpSent++;
        track(deliverHttp(nextTenant(), submission(`http-${randomUUID()}`)));
      }
      await pause(TICK_MS);
    }
  };
  const producer = produce();

  return {
    bus,
    http,
    async stop() {
      producing = false;
      await producer;
      giveUpAt = Date.now() + options.settleMs;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await sender.close().catch(() => undefined);
      await client.close();
    },
  };
}
