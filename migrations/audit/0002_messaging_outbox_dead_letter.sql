-- Outbox rows the broker refuses for good (too large) are dead-lettered in place (generated: npm run docs:generate).
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
