-- audit_log is partitioned by month on recorded_at (see the schema); its partitions, row-level
-- security, privileges and append-only triggers are in 0006_audit_log_integrity.
CREATE TABLE "audit_log" (
	"log_id" text NOT NULL,
	"sequence" bigint NOT NULL,
	"tenant_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"event_id" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"outcome" text NOT NULL,
	"correlation_id" text NOT NULL,
	"service" text NOT NULL,
	"host" text,
	"source_ip" text,
	"user_agent" text,
	"details" jsonb,
	"canonical" "bytea" NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"prev_hash" "bytea" NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "audit_log_log_id_sequence_recorded_at_pk" PRIMARY KEY("log_id","sequence","recorded_at"),
	CONSTRAINT "audit_log_tenant_matches_log" CHECK (("audit_log"."log_id" = 'platform' AND "audit_log"."tenant_id" IS NULL) OR ("audit_log"."log_id" <> 'platform' AND "audit_log"."tenant_id" = "audit_log"."log_id")),
	CONSTRAINT "audit_log_sequence_non_negative" CHECK ("audit_log"."sequence" >= 0),
	CONSTRAINT "audit_log_hash_lengths" CHECK (octet_length("audit_log"."leaf_hash") = 32 AND octet_length("audit_log"."prev_hash") = 32 AND octet_length("audit_log"."hash") = 32)
) PARTITION BY RANGE ("recorded_at");
--> statement-breakpoint
CREATE TABLE "audit_logs" (
	"log_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"size" bigint DEFAULT 0 NOT NULL,
	"head_hash" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_logs_tenant_matches_log" CHECK (("audit_logs"."log_id" = 'platform' AND "audit_logs"."tenant_id" IS NULL) OR ("audit_logs"."log_id" <> 'platform' AND "audit_logs"."tenant_id" = "audit_logs"."log_id")),
	CONSTRAINT "audit_logs_size_non_negative" CHECK ("audit_logs"."size" >= 0),
	CONSTRAINT "audit_logs_head_hash_length" CHECK (octet_length("audit_logs"."head_hash") = 32)
);
--> statement-breakpoint
CREATE INDEX "audit_log_log_sequence_idx" ON "audit_log" USING btree ("log_id","sequence");--> statement-breakpoint
CREATE INDEX "audit_log_tenant_occurred_idx" ON "audit_log" USING btree ("tenant_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_tenant_correlation_idx" ON "audit_log" USING btree ("tenant_id","correlation_id");