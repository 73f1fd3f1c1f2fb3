import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * drizzle schema of the `core` database. `drizzle-kit generate` turns changes here into SQL
 * under migrations/core/; row-level security lives in hand-written migrations beside them.
 */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull().default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const storageRecords = pgTable(
  'storage_records',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb('payload').notNull(),
  },
  (table) => [index('storage_records_tenant_created_idx').on(table.tenantId, table.createdAt)],
);

export const coreSchema = { tenants, storageRecords };
export type CoreSchema = typeof coreSchema;
