-- The relay's scan in its own order (generated: npm run docs:generate).
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
