ALTER TABLE "api_keys" ADD COLUMN "version" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "version" bigint DEFAULT 1 NOT NULL;