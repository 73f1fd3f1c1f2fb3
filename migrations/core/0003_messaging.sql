-- Transactional outbox and idempotent-consumer inbox of libs/messaging (generated: npm run docs:generate).
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
  PERFORM pg_notify('messaging_outbox', '');
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
