import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { EVENT_EXAMPLES, EVENT_TYPES, jsonSchemaOf, type EventType } from '@comply/contracts';
import { createTestDatabase, hostileString, hostileVariantOf, PROPERTY_SEED, queryOnce, TestDatabase } from '@comply/testing';
import { createDatabaseClient, DatabaseClient } from '@comply/persistence';
import { createLogger } from '@comply/observability';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { EventHandler, MessageProcessor } from './message-processor';
import { MessageOutcome } from './message-outcome';

const CASES_PER_CONTRACT = 1_000;
interface JsonSchemaNode {
  format?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
}

/** The values of a payload that its contract declares as instants (JSON Schema `format: date-time`). */
function instantsOf(schema: JsonSchemaNode, value: unknown): string[] {
  if (schema.format === 'date-time' && typeof value === 'string') return [value];
  if (schema.items && Array.isArray(value)) return value.flatMap((item) => instantsOf(schema.items!, item));
  if (schema.properties && value && typeof value === 'object') {
    return Object.entries(schema.properties).flatMap(([key, property]) => instantsOf(property, (value as Record<string, unknown>)[key]));
  }
  return [];
}

/**
 * The promise behind every contract, tried with hostile input: whatever a producer sends, the
 * consumer either stores it or dead-letters it with a reason of its own — never a retry (bad data
 * does not get better) and never a database error (what a contract accepts, PostgreSQL stores).
 * The handler stores the whole payload as jsonb and casts every instant to timestamptz, the way
 * services keep them.
 */
describe('hostile events through the message processor', () => {
  let database: TestDatabase;
  let client: DatabaseClient<Record<string, unknown>>;
  let processor: MessageProcessor;

  const storeEverything: EventHandler = {
    batch: false,
    inbox: true,
    async invoke(payload, context) {
      await context.tx.execute(sql`insert into hostile_events (message_id, payload) values (${context.messageId}, ${JSON.stringify(payload)}::jsonb)`);
      const schema = jsonSchemaOf(context.event!.type) as JsonSchemaNode;
      for (const instant of instantsOf(schema, payload)) await context.tx.execute(sql`select ${instant}::timestamptz`);
    },
  };

  beforeAll(async () => {
    database = await createTestDatabase('backup');
    await queryOnce(database.adminUrl, 'set role backup_owner; create table hostile_events (message_id text primary key, payload jsonb not null)');
    client = createDatabaseClient(database.connection, { applicationName: 'hostile-events-spec' });
    processor = new MessageProcessor({
      subscription: 'hostile/everything',
      subjects: EVENT_TYPES,
      handlerFor: () => storeEverything,
      database: client,
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1, transientHoldMs: 0 },
      logger: createLogger({ service: 'backup-worker', level: 'silent' }),
    });
  });

  afterAll(async () => {
    await client?.close();
    await database?.drop();
  });

  // Mostly a well-formed envelope, so that the hostile body reaches the handler; sometimes a hostile one.
  const envelope = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        messageId: fc.uuid(),
        tenantProperty: fc.constantFrom(null, 'tenant-123'),
        causationId: fc.constant(null),
        asText: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        messageId: fc.oneof(fc.uuid(), hostileString),
        tenantProperty: fc.option(hostileString),
        causationId: fc.option(hostileString),
        asText: fc.boolean(),
      }),
    },
  );

  it.each(EVENT_TYPES)('%s: stored or dead-lettered with its own reason, never retried', async (type: EventType) => {
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(hostileVariantOf(EVENT_EXAMPLES[type]), envelope, async (body, meta) => {
        const properties: Record<string, unknown> = {};
        if (meta.tenantProperty !== null) properties.tenantId = meta.tenantProperty;
        if (meta.causationId !== null) properties.causationId = meta.causationId;
        const message = {
          messageId: meta.messageId,
          subject: type,
          // Producers outside Node send JSON text; the SDK hands objects over as they are.
          body: meta.asText ? Buffer.from(JSON.stringify(body) ?? 'null') : body,
          deliveryCount: 0,
          applicationProperties: properties,
        } as unknown as ServiceBusReceivedMessage;
        const outcome: MessageOutcome = await processor.processOne(message);
        const label = outcome.kind === 'deadLetter' ? outcome.reason : outcome.kind;
        seen[label] = (seen[label] ?? 0) + 1;
        expect(outcome.kind).not.toBe('retry');
        if (outcome.kind === 'deadLetter') expect(['ContractViolation', 'TenantMismatch']).toContain(outcome.reason);
      }),
      { numRuns: CASES_PER_CONTRACT, seed: PROPERTY_SEED },
    );
    // The generator reaches both sides: accepted variants are stored, hostile ones refused.
    expect(seen.complete).toBeGreaterThan(0);
    expect(seen.ContractViolation).toBeGreaterThan(CASES_PER_CONTRACT / 4);
  }, 120_000);
});
