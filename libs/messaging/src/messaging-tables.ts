import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The two tables libs/messaging keeps in every service's own database. Their SQL is
 * `MESSAGING_MIGRATIONS`, shipped into each database's migrations folder.
 */
export const messagingOutbox = pgTable(
  'messaging_outbox',
  {
    /** Becomes the Service Bus messageId, so a resend after a crash is dropped by duplicate detection. */
    id: uuid('id').primaryKey(),
    topic: text('topic').notNull(),
    subject: text('subject').notNull(),
    body: jsonb('body').notNull(),
    correlationId: text('correlation_id').notNull(),
    causationId: text('causation_id'),
    tenantId: text('tenant_id'),
    traceparent: text('traceparent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Set when the broker refuses the row for good (too large): the relay stops sending it, pruning keeps it. */
    deadLetteredAt: timestamp('dead_lettered_at', { withTimezone: true }),
    deadLetterReason: text('dead_letter_reason'),
  },
  (table) => [index('messaging_outbox_sent_idx').on(table.sentAt).where(sql`${table.sentAt} is not null`)],
);

export const messagingInbox = pgTable(
  'messaging_inbox',
  {
    subscription: text('subscription').notNull(),
    messageId: text('message_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.subscription, table.messageId] }), index('messaging_inbox_processed_idx').on(table.processedAt)],
);

export const OUTBOX_CHANNEL = 'messaging_outbox';

/** A migration of libs/messaging, identical in every service database. */
export interface MessagingMigration {
  /** The file is `NNNN_<name>.sql`, numbered by drizzle-kit in each database's sequence. */
  name: string;
  sql: () => string;
}

/** In the order they apply. An applied migration never changes: a change is a new one. */
export const MESSAGING_MIGRATIONS: readonly MessagingMigration[] = [
  { name: 'messaging', sql: messagingTablesSql },
  { name: 'messaging_outbox_dead_letter', sql: outboxDeadLetterSql },
  { name: 'messaging_relay_order', sql: relayOrderSql },
];

/** Creates both tables. */
function messagingTablesSql(): string {
  return `-- Transactional outbox and idempotent-consumer inbox of libs/messaging (generated: npm run docs:generate).
CREATE TABLE messaging_outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  subject text NOT NULL,
  body jsonb NOT NULL,
  correlation_id text NOT NULL,
  causation_id text,
  tenant_id text,
  traceparent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  available_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  sent_at timestamptz
);
--> statement-breakpoint
-- What the relay scans: pending rows that are due, oldest first.
CREATE INDEX messaging_outbox_pending_idx ON messaging_outbox (available_at, created_at) WHERE sent_at IS NULL;
--> statement-breakpoint
CREATE INDEX messaging_outbox_sent_idx ON messaging_outbox (sent_at);
--> statement-breakpoint
-- Wakes the relay as soon as a transaction that wrote to the outbox commits.
CREATE FUNCTION messaging_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER messaging_outbox_notify AFTER INSERT ON messaging_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION messaging_outbox_notify();
--> statement-breakpoint
CREATE TABLE messaging_inbox (
  subscription text NOT NULL,
  message_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription, message_id)
);
--> statement-breakpoint
CREATE INDEX messaging_inbox_processed_idx ON messaging_inbox (processed_at);
`;
}

/** Dead-lettering in the outbox: rows the broker refuses for good leave the relay's scan and stay as evidence. */
function outboxDeadLetterSql(): string {
  return `-- Outbox rows the broker refuses for good (too large) are dead-lettered in place (generated: npm run docs:generate).
ALTER TABLE messaging_outbox ADD COLUMN dead_lettered_at timestamptz, ADD COLUMN dead_letter_reason text;
--> statement-breakpoint
-- What the relay scans: pending rows that are due, oldest first; dead-lettered rows are not pending.
DROP INDEX messaging_outbox_pending_idx;
--> statement-breakpoint
CREATE INDEX messaging_outbox_pending_idx ON messaging_outbox (available_at, created_at)
  WHERE sent_at IS NULL AND dead_lettered_at IS NULL;
--> statement-breakpoint
-- What an operator looks for (libs/messaging README, "Dead-lettered outbox rows").
CREATE INDEX messaging_outbox_dead_lettered_idx ON messaging_outbox (dead_lettered_at) WHERE dead_lettered_at IS NOT NULL;
`;
}

/** Indexes in the order the relay reads and the pruner deletes, so neither cost grows with the backlog. */
function relayOrderSql(): string {
  return `-- The relay's scan in its own order (generated: npm run docs:generate).
-- Pending rows oldest first: a round reads its LIMIT rows off the index instead of sorting the backlog.
DROP INDEX messaging_outbox_pending_idx;
--> statement-breakpoint
CREATE INDEX messaging_outbox_pending_idx ON messaging_outbox (created_at, id)
  WHERE sent_at IS NULL AND dead_lettered_at IS NULL;
--> statement-breakpoint
-- Pruning reads sent rows only; pending rows in this index only made it a tempting, wrong plan for the relay.
DROP INDEX messaging_outbox_sent_idx;
--> statement-breakpoint
CREATE INDEX messaging_outbox_sent_idx ON messaging_outbox (sent_at) WHERE sent_at IS NOT NULL;
`;
}
